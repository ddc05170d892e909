import { KEY_WORDS } from '../flow/key.js';
import { earlyIatAt, EARLY_PACKETS, earlySizeAt, type FlowRecordArrays } from '../flow/table.js';
import { KISS_GROUPS, type KissTable } from './kiss.js';

// The numbers a statistical classifier sees of a flow, read from the flow table when the flow
// ends: its first packets (sizes, directions, gaps), per-direction statistics, TCP flags, and its
// server endpoint's KISS signature. No payload, no names; the server port only when asked for
// (the point is what statistics add beyond a port guess).

export const FEATURE_SETS = ['early', 'kiss', 'port'] as const;
export type FeatureSet = (typeof FEATURE_SETS)[number];

/** packets of the first-packet vectors used as features (sizes and gaps) */
const EARLY_FEATURE_PACKETS = 10;
/** payload-carrying packets used as features (the handshake's empty segments skipped) */
const PAYLOAD_FEATURE_PACKETS = 8;

interface FeatureGroup {
  set: FeatureSet;
  names: string[];
}

function perDirection(names: string[]): string[] {
  return ['c2s', 's2c'].flatMap((d) => names.map((n) => `${n}_${d}`));
}

const GROUPS: FeatureGroup[] = [
  {
    set: 'early',
    names: [
      'transport',
      'ip_version',
      'duration_ms',
      ...perDirection(['packets', 'payload_bytes', 'pktlen_min', 'pktlen_mean', 'pktlen_max', 'pktlen_stddev', 'iat_mean_ms', 'iat_stddev_ms', 'tcp_flags']),
      'payload_share_c2s',
      ...Array.from({ length: EARLY_FEATURE_PACKETS }, (_, i) => `size_${i}`),
      ...Array.from({ length: EARLY_FEATURE_PACKETS }, (_, i) => `iat_ms_${i}`),
      ...Array.from({ length: PAYLOAD_FEATURE_PACKETS }, (_, i) => `payload_${i}`),
    ],
  },
  { set: 'kiss', names: ['c2s', 's2c'].flatMap((d) => Array.from({ length: KISS_GROUPS }, (_, g) => `kiss_${d}_${g}`)) },
  { set: 'port', names: ['server_port'] },
];

/** the feature names of the chosen sets, in the order extractFeatures writes them */
export function featureNames(sets: readonly FeatureSet[]): string[] {
  return GROUPS.filter((g) => sets.includes(g.set)).flatMap((g) => g.names);
}

function stddev(sum: number, sumSq: number, n: number): number {
  if (n < 2) return 0;
  const mean = sum / n;
  return Math.sqrt(Math.max(0, sumSq / n - mean * mean));
}

/** Fills `out` (featureNames(sets).length values) with flow `id`'s features. */
export function extractFeatures(t: FlowRecordArrays, id: number, kiss: KissTable | null, sets: readonly FeatureSet[], out: Float64Array): void {
  let k = 0;
  if (sets.includes('early')) {
    const l4 = t.keys[id * KEY_WORDS]! & 0xff;
    out[k++] = l4 === 6 ? 0 : l4 === 17 ? 1 : 2;
    out[k++] = (t.keys[id * KEY_WORDS]! >>> 8) & 0xff;
    out[k++] = (t.lastSeen[id]! - t.firstSeen[id]!) / 1000;
    for (let dir = 0; dir < 2; dir++) {
      const d = id * 2 + dir;
      const n = t.packets[d]!;
      out[k++] = n;
      out[k++] = t.payloadBytes[d]!;
      out[k++] = n > 0 ? t.lenMin[d]! : 0;
      out[k++] = n > 0 ? t.lenSum[d]! / n : 0;
      out[k++] = t.lenMax[d]!;
      out[k++] = stddev(t.lenSum[d]!, t.lenSumSq[d]!, n);
      out[k++] = n > 1 ? t.iatSum[d]! / (n - 1) / 1000 : -1;
      out[k++] = n > 1 ? stddev(t.iatSum[d]!, t.iatSumSq[d]!, n - 1) / 1000 : -1;
      out[k++] = l4 === 6 ? t.tcpFlags[d]! : -1;
    }
    const payload = t.payloadBytes[id * 2]! + t.payloadBytes[id * 2 + 1]!;
    out[k++] = payload > 0 ? t.payloadBytes[id * 2]! / payload : -1;
    const count = t.earlyCount[id]!;
    const at = id * EARLY_PACKETS;
    // sizes signed by direction (client +, server −), 0 past the flow's end
    for (let i = 0; i < EARLY_FEATURE_PACKETS; i++) out[k++] = i < count ? (t.earlyDir[at + i] === 0 ? 1 : -1) * (earlySizeAt(t, at + i) + 1) : 0;
    for (let i = 0; i < EARLY_FEATURE_PACKETS; i++) out[k++] = i < count ? earlyIatAt(t, at + i) / 1000 : -1;
    let p = 0;
    for (let i = 0; i < count && p < PAYLOAD_FEATURE_PACKETS; i++) {
      const size = earlySizeAt(t, at + i);
      if (size > 0) out[k + p++] = (t.earlyDir[at + i] === 0 ? 1 : -1) * size;
    }
    for (; p < PAYLOAD_FEATURE_PACKETS; p++) out[k + p] = 0;
    k += PAYLOAD_FEATURE_PACKETS;
  }
  if (sets.includes('kiss')) {
    for (const dir of [0, 1] as const) {
      if (kiss) kiss.signature(t, id, dir, out, k);
      else out.fill(-1, k, k + KISS_GROUPS);
      k += KISS_GROUPS;
    }
  }
  if (sets.includes('port')) {
    const ports = t.keys[id * KEY_WORDS + 9]!;
    out[k++] = t.clientIsA[id] === 0 ? ports >>> 16 : ports & 0xffff;
  }
}
