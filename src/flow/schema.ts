import { ANOMALY_NAMES } from '../decode/anomaly.js';
import { TUNNEL_NAMES } from '../decode/layers.js';
import { formatAddress } from './address.js';
import { KEY_WORDS } from './key.js';
import { l4Name } from './l4-names.js';
import { earlyIatAt, earlyIatsWithheld, EARLY_PACKETS, earlySizeAt, HISTORY_MAX, type FlowRecordArrays } from './table.js';
import { connState } from './tcp-state.js';
import { type DpiResults } from '../dpi/runtime/results.js';

// The flow record's fields, declared once: JSON lines, the schema document (docs/schema.md),
// and later the database columns are all built from this list. Later modules extend it with
// their own fields through `FLOW_FIELDS.push(...)`-style registration (see registerFlowFields).

export type FieldType = 'string' | 'int' | 'double' | 'timestamp' | 'bool' | 'string[]' | 'int[]' | 'double[]' | 'string|int' | 'object';

export interface FlowView {
  table: FlowRecordArrays;
  id: number;
  capture: string;
  endReason: EndReason;
  /** what DPI found, when it ran */
  dpi: DpiResults | null;
}

export type EndReason = 'idle' | 'active' | 'end' | 'evicted';

export interface FieldSpec {
  name: string;
  type: FieldType;
  nullable: boolean;
  description: string;
  get(v: FlowView): unknown;
  /**
   * 'features': a statistical feature (packet-length and gap distributions, the first packets'
   * vectors), stored in its own table flow_features and only with --store-features; records
   * (JSON, logs) always have it
   */
  stored?: 'features';
  /** for type 'object': the fields inside it */
  members?: readonly { name: string; type: FieldType; description: string }[];
}

// helpers over the key layout (see key.ts)
const ipVersionOf = (v: FlowView): number => (v.table.keys[v.id * KEY_WORDS]! >>> 8) & 0xff;
const l4Of = (v: FlowView): number => v.table.keys[v.id * KEY_WORDS]! & 0xff;
const clientIsA = (v: FlowView): boolean => v.table.clientIsA[v.id] === 1;
const portWord = (v: FlowView): number => v.table.keys[v.id * KEY_WORDS + 9]!;
const addressAt = (v: FlowView, a: boolean): string =>
  formatAddress(ipVersionOf(v), v.table.keys, v.id * KEY_WORDS + (a ? 1 : 5));
const portAt = (v: FlowView, a: boolean): number => (a ? portWord(v) >>> 16 : portWord(v) & 0xffff);
const seconds = (micros: number): number => Math.round(micros) / 1e6;
const ms = (micros: number): number => Math.round(micros) / 1000;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** the flow's early-packet values as a plain array (records are built for every flow: no views) */
function earlyList(v: FlowView, valueAt: (t: FlowRecordArrays, index: number) => number): number[] {
  const n = v.table.earlyCount[v.id]!;
  const at = v.id * EARLY_PACKETS;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = valueAt(v.table, at + i);
  return out;
}

const TCP_FLAG_LETTERS = 'FSRPAUEC';
function flagLetters(bits: number): string {
  let s = '';
  for (let i = 0; i < 8; i++) if ((bits & (1 << i)) !== 0) s += TCP_FLAG_LETTERS[i];
  return s;
}

function stddev(sum: number, sumSq: number, n: number): number {
  if (n < 2) return 0;
  const mean = sum / n;
  return Math.sqrt(Math.max(0, sumSq / n - mean * mean));
}

function perDirection(dir: 0 | 1, suffix: 'c2s' | 's2c'): FieldSpec[] {
  const d = (v: FlowView): number => v.id * 2 + dir;
  const who = dir === 0 ? 'client to server' : 'server to client';
  return [
    { name: `packets_${suffix}`, type: 'int', nullable: false, description: `packets ${who}: frames that carry the flow's transport header (unfragmented packets and first fragments)`, get: (v) => v.table.packets[d(v)] },
    { name: `bytes_${suffix}`, type: 'int', nullable: false, description: `bytes ${who}: wire lengths (capture records' original lengths) of those frames`, get: (v) => v.table.bytes[d(v)] },
    { name: `fragments_${suffix}`, type: 'int', nullable: false, description: `non-first IP fragments ${who} that completed a datagram of this flow (not in packets_${suffix})`, get: (v) => v.table.fragments[d(v)] },
    { name: `fragment_bytes_${suffix}`, type: 'int', nullable: false, description: `wire bytes of those fragments (not in bytes_${suffix})`, get: (v) => v.table.fragmentBytes[d(v)] },
    { name: `payload_bytes_${suffix}`, type: 'int', nullable: false, description: `transport payload bytes ${who}, as the IP/transport headers state them (whole datagrams once reassembled)`, get: (v) => v.table.payloadBytes[d(v)] },
    { name: `first_seen_${suffix}`, type: 'timestamp', nullable: true, description: `first packet ${who}, seconds since the epoch`, get: (v) => (v.table.packets[d(v)]! > 0 ? seconds(v.table.dirFirst[d(v)]!) : null) },
    { name: `last_seen_${suffix}`, type: 'timestamp', nullable: true, description: `last packet ${who}, seconds since the epoch`, get: (v) => (v.table.packets[d(v)]! > 0 ? seconds(v.table.dirLast[d(v)]!) : null) },
    { name: `tcp_flags_${suffix}`, type: 'string', nullable: true, description: `TCP flags seen ${who}, letters of FSRPAUEC (FIN SYN RST PSH ACK URG ECE CWR)`, get: (v) => (l4Of(v) === 6 ? flagLetters(v.table.tcpFlags[d(v)]!) : null) },
    { name: `pktlen_min_${suffix}`, type: 'int', nullable: false, description: `smallest frame ${who} (wire length)`, get: (v) => v.table.lenMin[d(v)], stored: 'features' },
    { name: `pktlen_mean_${suffix}`, type: 'double', nullable: false, description: `mean frame length ${who}`, get: (v) => { const n = v.table.packets[d(v)]!; return n > 0 ? round3(v.table.lenSum[d(v)]! / n) : 0; }, stored: 'features' },
    { name: `pktlen_max_${suffix}`, type: 'int', nullable: false, description: `largest frame ${who}`, get: (v) => v.table.lenMax[d(v)], stored: 'features' },
    { name: `pktlen_stddev_${suffix}`, type: 'double', nullable: false, description: `standard deviation of frame lengths ${who}`, get: (v) => round3(stddev(v.table.lenSum[d(v)]!, v.table.lenSumSq[d(v)]!, v.table.packets[d(v)]!)), stored: 'features' },
    { name: `iat_min_ms_${suffix}`, type: 'double', nullable: false, description: `smallest gap between packets ${who}, milliseconds`, get: (v) => ms(v.table.iatMin[d(v)]!), stored: 'features' },
    { name: `iat_mean_ms_${suffix}`, type: 'double', nullable: false, description: `mean gap between packets ${who}, milliseconds`, get: (v) => { const n = v.table.packets[d(v)]! - 1; return n > 0 ? round3(v.table.iatSum[d(v)]! / n / 1000) : 0; }, stored: 'features' },
    { name: `iat_max_ms_${suffix}`, type: 'double', nullable: false, description: `largest gap between packets ${who}, milliseconds`, get: (v) => ms(v.table.iatMax[d(v)]!), stored: 'features' },
    { name: `iat_stddev_ms_${suffix}`, type: 'double', nullable: false, description: `standard deviation of gaps ${who}, milliseconds`, get: (v) => round3(stddev(v.table.iatSum[d(v)]!, v.table.iatSumSq[d(v)]!, v.table.packets[d(v)]! - 1) / 1000), stored: 'features' },
  ];
}

export const FLOW_FIELDS: FieldSpec[] = [
  { name: 'capture', type: 'string', nullable: false, description: "base name of the capture file ('-' for standard input)", get: (v) => v.capture },
  { name: 'l4', type: 'string|int', nullable: false, description: 'transport: TCP, UDP, ICMP, ICMPv6, SCTP, IGMP, GRE, ESP, OSPF, VRRP… or the IP protocol number when sonde has no name for it', get: (v) => l4Name(l4Of(v)) ?? l4Of(v) },
  { name: 'l4_proto', type: 'int', nullable: false, description: 'IP protocol number of the transport', get: (v) => l4Of(v) },
  { name: 'ip_version', type: 'int', nullable: false, description: '4 or 6 (of the innermost IP header)', get: (v) => ipVersionOf(v) },
  { name: 'src', type: 'string', nullable: false, description: 'client address: the sender of the first packet, or of the SYN when there is one', get: (v) => addressAt(v, clientIsA(v)) },
  { name: 'sport', type: 'int', nullable: false, description: 'client port (0 for transports without ports)', get: (v) => portAt(v, clientIsA(v)) },
  { name: 'dst', type: 'string', nullable: false, description: 'server address', get: (v) => addressAt(v, !clientIsA(v)) },
  { name: 'dport', type: 'int', nullable: false, description: 'server port (0 for transports without ports)', get: (v) => portAt(v, !clientIsA(v)) },
  { name: 'vlan', type: 'int', nullable: true, description: 'innermost 802.1Q VLAN id, null when untagged (part of the flow key)', get: (v) => { const t = v.table.keys[v.id * KEY_WORDS]! >>> 16; return t === 0 ? null : t - 1; } },
  { name: 'tunnel', type: 'string', nullable: true, description: 'outermost tunnel that carried the flow: GRE, ERSPAN, VXLAN, Geneve, GTP, CAPWAP, IPinIP, 6in4, 4in6, 6in6, Teredo; null when none', get: (v) => TUNNEL_NAMES[v.table.tunnel[v.id]!] ?? null },
  { name: 'first_seen', type: 'timestamp', nullable: false, description: 'first packet, seconds since the epoch (capture time)', get: (v) => seconds(v.table.firstSeen[v.id]!) },
  { name: 'last_seen', type: 'timestamp', nullable: false, description: 'last packet, seconds since the epoch (capture time)', get: (v) => seconds(v.table.lastSeen[v.id]!) },
  { name: 'duration', type: 'double', nullable: false, description: 'last_seen - first_seen, seconds', get: (v) => seconds(v.table.lastSeen[v.id]! - v.table.firstSeen[v.id]!) },
  ...perDirection(0, 'c2s'),
  ...perDirection(1, 's2c'),
  { name: 'conn_state', type: 'string', nullable: false, description: "Zeek's conn_state (S0 S1 SF REJ S2 S3 RSTO RSTR RSTOS0 RSTRH SH SHR OTH); for non-TCP flows S0 (one-way) or SF", get: (v) => connState(l4Of(v) === 6, v.table.tcpEvents[v.id * 2]!, v.table.tcpEvents[v.id * 2 + 1]!, v.table.packets[v.id * 2 + 1]!) },
  { name: 'history', type: 'string', nullable: false, description: "Zeek-style history: S syn, H syn-ack, A pure ack, D data, F fin, R rst, each letter at its first occurrence; upper case client, lower case server", get: (v) => { let h = ''; const at = v.id * HISTORY_MAX; for (let i = 0; i < v.table.historyLen[v.id]!; i++) h += String.fromCharCode(v.table.history[at + i]!); return h; } },
  { name: 'early_sizes', type: 'int[]', nullable: false, description: `transport payload bytes of the first ${EARLY_PACKETS} packets`, get: (v) => earlyList(v, earlySizeAt), stored: 'features' },
  { name: 'early_dirs', type: 'int[]', nullable: false, description: `direction of the first ${EARLY_PACKETS} packets: 0 client to server, 1 server to client`, get: (v) => earlyList(v, (t, i) => t.earlyDir[i]!), stored: 'features' },
  { name: 'early_iats_ms', type: 'double[]', nullable: false, description: `gap before each of the first ${EARLY_PACKETS} packets (either direction), milliseconds; 0 for the first; empty under --privacy strict`, get: (v) => (earlyIatsWithheld(v.table, v.id) ? [] : earlyList(v, (t, i) => earlyIatAt(t, i) / 1000)), stored: 'features' },
  { name: 'anomalies', type: 'string[]', nullable: false, description: "names of the anomalies this flow's packets raised (see the Anomalies section below)", get: (v) => { const out: string[] = []; for (let i = 0; i < ANOMALY_NAMES.length; i++) if ((v.table.anomalyBits[v.id * 2 + (i >> 5)]! & (1 << (i & 31))) !== 0) out.push(ANOMALY_NAMES[i]!); return out; } },
  { name: 'end_reason', type: 'string', nullable: false, description: 'why the record was written: idle (idle timeout), active (active timeout; the flow goes on in a new record), end (end of input), evicted (flow table full)', get: (v) => v.endReason },
];

/** Lets later modules (dissectors, classifiers) add their fields to the one schema. */
export function registerFlowFields(fields: FieldSpec[]): void {
  for (const f of fields) {
    if (FLOW_FIELDS.some((g) => g.name === f.name)) throw new Error(`flow field '${f.name}' declared twice`);
    FLOW_FIELDS.push(f);
  }
}

/** Builds the JSON-ready record of a flow (only when a record is written, never per packet). */
export function flowRecord(v: FlowView): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of FLOW_FIELDS) out[f.name] = f.get(v);
  return out;
}
