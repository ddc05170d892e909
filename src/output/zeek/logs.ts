import { DISSECTORS } from '../../dpi/runtime/registry.js';
import {
  col, type FlowRecord, l4Proto, num, obj, str, strings, unset, type ZeekColumn, type ZeekColumnContext, type ZeekField, type ZeekValue, zeekProto,
} from '../../dpi/api/zeek-log.js';

// What of a sonde flow record goes into which Zeek log, under Zeek 6.x's field names and types.
// conn.log is built here; every other log (dns, http, ssl, ssh…) is declared by the protocol's
// folder (Dissector.zeek). Each log lists Zeek's own fields first, in Zeek's order, then any
// additions at the end, as Zeek packages add theirs: names from Zeek itself or from the packages
// that log the same value (ja3, ja4, hassh), else with a `sonde_` prefix. What sonde does not know
// is left unset ('-'), not guessed; missed_bytes (0) and an empty http tags set are Zeek's own defaults.

export type { FlowRecord };
export type UidFunction = (record: FlowRecord) => string;
/** conn, or a log a dissector declares */
export type ZeekLogName = string;

export interface ZeekLogSpec {
  path: ZeekLogName;
  fields: readonly ZeekField[];
  /** the values in field order, or null when the record has no row in this log */
  values(record: FlowRecord, uid?: UidFunction): ZeekValue[] | null;
}

/** For ICMP Zeek's "ports" are the message type and code, which sonde does not keep. */
function port(r: FlowRecord, k: 'sport' | 'dport'): number | null {
  return zeekProto(r) === 'icmp' ? null : num(r, k);
}

// ---- uid

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** cyrb53 (bryc, public domain): a fast, well-mixed 53-bit string hash; not for secrets */
function hash53(s: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** 48 bits as 9 base-62 digits */
function base62(n: number): string {
  let v = n % 2 ** 48;
  let out = '';
  for (let i = 0; i < 9; i++) {
    out = BASE62[v % 62]! + out;
    v = Math.floor(v / 62);
  }
  return out;
}

/**
 * A connection uid in Zeek's shape ('C' and 96 bits in base 62), stable across runs: derived
 * from the capture, the flow key (or `flow_id` when records carry one) and the first packet's
 * time, so the conn.log row and the dns/http/ssl/ssh rows of one flow share it. A record's own
 * string `uid` wins.
 */
export function zeekUid(record: FlowRecord): string {
  const own = str(record, 'uid');
  if (own) return own;
  const key = record['flow_id'] !== undefined && record['flow_id'] !== null
    ? `flow_id=${String(record['flow_id'])}`
    : `${l4Proto(record)}|${String(record['src'])}|${String(record['sport'])}|${String(record['dst'])}|${String(record['dport'])}|${String(record['vlan'] ?? '')}|${String(record['tunnel'] ?? '')}`;
  const text = `${String(record['capture'] ?? '')}\0${key}\0${String(record['first_seen'] ?? '')}`;
  return `C${base62(hash53(text, 1))}${base62(hash53(text, 2))}`;
}

// ---- columns shared by every log

const ID_COLUMNS: readonly ZeekColumn[] = [
  col('ts', 'time', (c) => num(c.r, 'first_seen')),
  col('uid', 'string', (c) => c.uid),
  col('id.orig_h', 'addr', (c) => str(c.r, 'src')),
  col('id.orig_p', 'port', (c) => port(c.r, 'sport')),
  col('id.resp_h', 'addr', (c) => str(c.r, 'dst')),
  col('id.resp_p', 'port', (c) => port(c.r, 'dport')),
];

function spec(path: ZeekLogName, columns: readonly ZeekColumn[], object: (r: FlowRecord) => FlowRecord | null): ZeekLogSpec {
  return {
    path,
    fields: columns.map(({ name, type }) => ({ name, type })),
    values(record, uid = zeekUid) {
      const p = object(record);
      if (p === null) return null;
      const c: ZeekColumnContext = { r: record, uid: uid(record), p };
      return columns.map((k) => k.get(c));
    },
  };
}

// ---- conn.log

/** sonde protocol → Zeek's service name, where Zeek's analyzer is called otherwise */
const ZEEK_SERVICE: Record<string, string> = {
  TLS: 'ssl', FTPS: 'ssl', IMAPS: 'ssl', POP3S: 'ssl', SMTPS: 'ssl',
  HTTP_Proxy: 'http', HTTP_Connect: 'http',
  MDNS: 'dns', LLMNR: 'dns',
  VNC: 'rfb', SMBv1: 'smb', SMBv2: 'smb',
};

/** protocol objects whose flag says the session went on in TLS (Zeek then lists ssl as well) */
const TLS_UPGRADES: readonly [string, string][] = DISSECTORS.filter((d) => d.zeekTlsUpgrade !== undefined).map((d) => [d.name, d.zeekTlsUpgrade!]);

/**
 * Zeek lists a service only when an analyzer confirmed it in the payload, and only over TCP and
 * UDP: a port guess (confidence 'port') or a name from the IP protocol number is no service.
 */
function service(r: FlowRecord): string | null {
  const proto = zeekProto(r);
  const name = str(r, 'protocol');
  if ((proto !== 'tcp' && proto !== 'udp') || name === null || str(r, 'confidence') === 'port') return null;
  let s = ZEEK_SERVICE[name] ?? (name === 'Kerberos' ? (proto === 'tcp' ? 'krb_tcp' : 'krb') : name.toLowerCase().replace(/[^a-z0-9_]+/g, '_'));
  if (s !== 'ssl' && TLS_UPGRADES.some(([k, flag]) => obj(r, k)?.[flag] === true)) s += ',ssl';
  return s;
}

function sum(r: FlowRecord, a: string, b: string): number | null {
  const x = num(r, a);
  return x === null ? null : x + (num(r, b) ?? 0);
}

/** Zeek fills duration and the payload byte counts only for connections that lasted */
const lasted = (r: FlowRecord): boolean => (num(r, 'duration') ?? 0) > 0;

const CONN: readonly ZeekColumn[] = [
  ...ID_COLUMNS,
  col('proto', 'enum', (c) => zeekProto(c.r)),
  col('service', 'string', (c) => service(c.r)),
  col('duration', 'interval', (c) => (lasted(c.r) ? num(c.r, 'duration') : null)),
  col('orig_bytes', 'count', (c) => (lasted(c.r) ? num(c.r, 'payload_bytes_c2s') : null)),
  col('resp_bytes', 'count', (c) => (lasted(c.r) ? num(c.r, 'payload_bytes_s2c') : null)),
  // Zeek's conn_state for anything but TCP and UDP is OTH
  col('conn_state', 'string', (c) => {
    const p = zeekProto(c.r);
    return p === 'tcp' || p === 'udp' ? str(c.r, 'conn_state') : p === null ? null : 'OTH';
  }),
  col('local_orig', 'bool', unset),
  col('local_resp', 'bool', unset),
  col('missed_bytes', 'count', () => 0), // Zeek's default; sonde does not track sequence gaps
  col('history', 'string', (c) => str(c.r, 'history') || null),
  col('orig_pkts', 'count', (c) => num(c.r, 'packets_c2s')),
  // sonde counts frame wire lengths (link header included), not IP total lengths
  col('orig_ip_bytes', 'count', (c) => sum(c.r, 'bytes_c2s', 'fragment_bytes_c2s')),
  col('resp_pkts', 'count', (c) => num(c.r, 'packets_s2c')),
  col('resp_ip_bytes', 'count', (c) => sum(c.r, 'bytes_s2c', 'fragment_bytes_s2c')),
  // Zeek names the uid of the outer connection; sonde has only the tunnel's kind (sonde_tunnel)
  col('tunnel_parents', 'set[string]', unset),
  col('sonde_protocol', 'string', (c) => str(c.r, 'protocol')),
  col('sonde_application', 'string', (c) => str(c.r, 'application')),
  col('sonde_address_application', 'string', (c) => str(c.r, 'address_application')),
  col('sonde_category', 'string', (c) => str(c.r, 'category')),
  col('sonde_confidence', 'string', (c) => str(c.r, 'confidence')),
  col('sonde_hostname', 'string', (c) => str(c.r, 'hostname')),
  col('sonde_risks', 'set[string]', (c) => strings(c.r, 'risks')),
  col('sonde_vlan', 'count', (c) => num(c.r, 'vlan')),
  col('sonde_tunnel', 'string', (c) => str(c.r, 'tunnel')),
  col('sonde_end_reason', 'string', (c) => str(c.r, 'end_reason')),
];

const member = (keys: readonly string[]) => (r: FlowRecord): FlowRecord | null => {
  for (const k of keys) {
    const o = obj(r, k);
    if (o !== null) return o;
  }
  return null;
};

function buildLogs(): Readonly<Record<ZeekLogName, ZeekLogSpec>> {
  const logs: Record<ZeekLogName, ZeekLogSpec> = { conn: spec('conn', CONN, (r) => r) };
  for (const d of DISSECTORS) {
    if (!d.zeek) continue;
    const { log, objects, columns } = d.zeek;
    if (logs[log]) throw new Error(`dpi/protocols/${d.name}: ${log}.log is already declared by another dissector`);
    logs[log] = spec(log, [...ID_COLUMNS, ...columns], member(objects));
  }
  return logs;
}

/** Every log: conn has a row per record; the others one per record that has their protocol's object. */
export const ZEEK_LOGS: Readonly<Record<ZeekLogName, ZeekLogSpec>> = buildLogs();
export const ZEEK_LOG_NAMES: readonly ZeekLogName[] = Object.keys(ZEEK_LOGS);
