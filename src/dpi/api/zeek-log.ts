// What a protocol folder declares about its Zeek log (dns.log, http.log, ssl.log…), and the
// helpers its columns read records with. The log writer (output/zeek) adds Zeek's id columns in
// front (ts, uid, id.orig_h…) and writes TSV or JSON; a folder only says which of its values go in
// which of Zeek's fields. Records are read defensively: a missing or mistyped member is unset.

export type ZeekType =
  | 'time' | 'interval' | 'count' | 'int' | 'port' | 'bool' | 'addr' | 'string' | 'enum'
  | 'set[string]' | 'set[enum]' | 'vector[string]' | 'vector[interval]';

export interface ZeekField {
  name: string;
  type: ZeekType;
}

export type ZeekScalar = string | number | boolean;
/** null or undefined: unset ('-' in TSV, left out in JSON) */
export type ZeekValue = ZeekScalar | readonly ZeekScalar[] | null | undefined;

/** a flow record as `sonde analyze --format jsonl` prints it */
export type FlowRecord = Record<string, unknown>;

export interface ZeekColumnContext {
  r: FlowRecord;
  uid: string;
  /** the log's protocol object (record.dns, record.tls…); the record itself for conn */
  p: FlowRecord;
}

export interface ZeekColumn extends ZeekField {
  get: (c: ZeekColumnContext) => ZeekValue;
}

export interface ZeekLogDeclaration {
  /** the log's name, as Zeek's path: 'dns' for dns.log */
  log: string;
  /** the record's protocol objects that give a flow a row in the log, the first present used ('tls', 'dtls') */
  objects: readonly string[];
  /** the columns after the id columns: Zeek's own fields in Zeek's order, then additions */
  columns: readonly ZeekColumn[];
}

export const str = (o: FlowRecord, k: string): string | null => (typeof o[k] === 'string' ? (o[k] as string) : null);
export const num = (o: FlowRecord, k: string): number | null => (typeof o[k] === 'number' && Number.isFinite(o[k]) ? (o[k] as number) : null);
export const obj = (o: FlowRecord, k: string): FlowRecord | null =>
  o[k] !== null && typeof o[k] === 'object' && !Array.isArray(o[k]) ? (o[k] as FlowRecord) : null;
export const strings = (o: FlowRecord, k: string): string[] | null =>
  Array.isArray(o[k]) ? (o[k] as unknown[]).filter((x): x is string => typeof x === 'string') : null;

export const col = (name: string, type: ZeekType, get: (c: ZeekColumnContext) => ZeekValue): ZeekColumn => ({ name, type, get });
export const unset = (): ZeekValue => null;

const L4_BY_NAME: Record<string, number> = { TCP: 6, UDP: 17, ICMP: 1, ICMPv6: 58 };
export function l4Proto(r: FlowRecord): number | null {
  const n = num(r, 'l4_proto');
  if (n !== null) return n;
  const l4 = r['l4'];
  return typeof l4 === 'number' ? l4 : typeof l4 === 'string' ? (L4_BY_NAME[l4] ?? null) : null;
}

/** Zeek's transport_proto: it files ICMPv6 under icmp, and has no name for other transports */
export function zeekProto(r: FlowRecord): string | null {
  const p = l4Proto(r);
  if (p === null) return null;
  return p === 6 ? 'tcp' : p === 17 ? 'udp' : p === 1 || p === 58 ? 'icmp' : 'unknown_transport';
}
