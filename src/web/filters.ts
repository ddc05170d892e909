import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../flow/address.js';

// The dashboard's flow filters, read from a request's query string and checked before any query
// is built: every value is parsed into a number, an address in its stored spelling, or a name from
// a closed character set, so a bad filter is a 400 with a message and never reaches SQL (where
// values are bound parameters anyway).

export class FilterError extends Error {}

export const CONFIDENCES = ['unknown', 'port', 'ip', 'dns-cache', 'socket-cache', 'dpi', 'statistical'] as const;
export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** the flows table's columns a flow list can be sorted by (name in the API → SQL expression key) */
export const SORT_KEYS = ['first_seen', 'last_seen', 'duration', 'bytes', 'packets', 'src', 'dst', 'dport', 'application', 'protocol', 'hostname'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface FlowFilter {
  /** seconds since the epoch: flows whose first packet is at or after from, and before to */
  from: number | null;
  to: number | null;
  /** the name the charts show: the application, else the protocol, else 'unknown' */
  application: string | null;
  category: string | null;
  protocol: string | null;
  /** a server name and its subdomains */
  host: string | null;
  /** either end of the flow */
  address: string | null;
  client: string | null;
  server: string | null;
  /** either end's port */
  port: number | null;
  /** transport name as stored (TCP, UDP, ICMP…) */
  l4: string | null;
  risk: string | null;
  severity: Severity | null;
  confidence: (typeof CONFIDENCES)[number] | null;
  run: string | null;
}

export const FILTER_NAMES = ['from', 'to', 'application', 'category', 'protocol', 'host', 'address', 'client', 'server', 'port', 'l4', 'risk', 'severity', 'confidence', 'run'] as const;

export interface Paging {
  sort: SortKey;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export const MAX_LIMIT = 1000;
const MAX_OFFSET = 100_000_000;
const MAX_TEXT = 253;

type Query = Record<string, unknown>;

/** A single text value of a parameter (a repeated parameter is refused: which one would count?). */
function text(q: Query, name: string): string | null {
  const v = q[name];
  if (v === undefined || v === '') return null;
  if (typeof v !== 'string') throw new FilterError(`'${name}' is given more than once: give it once`);
  if (v.length > MAX_TEXT) throw new FilterError(`'${name}' is longer than ${MAX_TEXT} characters`);
  return v;
}

/** names of applications, categories, protocols, risks: letters, digits and a few separators */
function name(q: Query, key: string): string | null {
  const v = text(q, key);
  if (v === null) return null;
  if (!/^[\p{L}\p{N}][\p{L}\p{N} ._+\-/&()']*$/u.test(v)) throw new FilterError(`'${key}' must be a name (letters, digits, spaces and . _ + - / & ( ) '), not '${clip(v)}'`);
  return v;
}

const clip = (v: string): string => (v.length > 40 ? `${v.slice(0, 40)}…` : v).replace(/[^\x20-\x7e]/g, '?');

/** Time: ISO 8601 (a date, or a date and time; UTC unless it says otherwise) or seconds since the epoch. */
export function parseTime(v: string, key = 'time'): number {
  if (/^\d{1,12}(\.\d{1,6})?$/.test(v)) return Number(v);
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) {
    const iso = v.replace(' ', 'T');
    const zoned = /T.*(Z|[+-]\d{2}:?\d{2})$/.test(iso) || !iso.includes('T') ? iso : `${iso}Z`;
    const ms = Date.parse(zoned.includes('T') ? zoned : `${zoned}T00:00:00Z`);
    if (Number.isFinite(ms)) return ms / 1000;
  }
  throw new FilterError(`'${key}' must be a time (2026-12-07T10:00:00Z, 2026-12-07, or seconds since the epoch), not '${clip(v)}'`);
}

/** An address in the spelling the store holds (RFC 5952 for IPv6), or a FilterError. */
export function canonicalAddress(v: string, key = 'address'): string {
  const v4 = parseIpv4(v);
  if (v4 !== null) return formatIpv4(v4);
  const v6 = v.includes(':') ? parseIpv6(v) : null;
  if (v6 !== null) {
    const w = (i: number): number => ((v6[i]! << 24) | (v6[i + 1]! << 16) | (v6[i + 2]! << 8) | v6[i + 3]!) >>> 0;
    return formatIpv6(w(0), w(4), w(8), w(12));
  }
  throw new FilterError(`'${key}' must be an IPv4 or IPv6 address, not '${clip(v)}'`);
}

/** a whole number parameter from min to max, null when absent */
export function integer(q: Query, key: string, min: number, max: number): number | null {
  const v = text(q, key);
  if (v === null) return null;
  if (!/^\d{1,10}$/.test(v) || Number(v) < min || Number(v) > max) throw new FilterError(`'${key}' must be a whole number from ${min} to ${max}, not '${clip(v)}'`);
  return Number(v);
}

/** a parameter from a closed list, null when absent */
export function oneOf<T extends string>(q: Query, key: string, allowed: readonly T[]): T | null {
  const v = text(q, key);
  if (v === null) return null;
  if (!(allowed as readonly string[]).includes(v)) throw new FilterError(`'${key}' must be one of ${allowed.join(', ')}, not '${clip(v)}'`);
  return v as T;
}

/** Host names as DNS allows them (and '_' as services use), lower-cased; a leading '*.' is the same as none. */
function hostName(q: Query, key: string): string | null {
  const v = text(q, key);
  if (v === null) return null;
  const h = v.toLowerCase().replace(/^\*\./, '').replace(/\.$/, '');
  if (!/^[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?$/.test(h) || h.includes('..')) throw new FilterError(`'${key}' must be a host name (example.com matches it and its subdomains), not '${clip(v)}'`);
  return h;
}

/**
 * The filters of a query string. Unknown parameters are refused unless `extra` names them (each
 * endpoint's own, such as limit or by), so that a misspelt filter is not silently ignored.
 */
export function parseFilter(q: Query, extra: readonly string[] = []): FlowFilter {
  for (const k of Object.keys(q)) {
    if (!(FILTER_NAMES as readonly string[]).includes(k) && !extra.includes(k)) {
      throw new FilterError(`unknown parameter '${clip(k)}': filters are ${FILTER_NAMES.join(', ')}${extra.length ? `; here also ${extra.join(', ')}` : ''}`);
    }
  }
  const addr = (key: string): string | null => {
    const v = text(q, key);
    return v === null ? null : canonicalAddress(v, key);
  };
  const time = (key: string): number | null => {
    const v = text(q, key);
    return v === null ? null : parseTime(v, key);
  };
  const f: FlowFilter = {
    from: time('from'),
    to: time('to'),
    application: name(q, 'application'),
    category: name(q, 'category'),
    protocol: name(q, 'protocol'),
    host: hostName(q, 'host'),
    address: addr('address'),
    client: addr('client'),
    server: addr('server'),
    port: integer(q, 'port', 0, 65535),
    l4: name(q, 'l4'),
    risk: name(q, 'risk'),
    severity: oneOf(q, 'severity', SEVERITIES),
    confidence: oneOf(q, 'confidence', CONFIDENCES),
    run: null,
  };
  const run = text(q, 'run');
  if (run !== null) {
    if (!/^\d{1,19}$/.test(run) || BigInt(run) > 2n ** 63n - 1n) throw new FilterError(`'run' must be a run id (see /api/runs), not '${clip(run)}'`);
    f.run = run;
  }
  if (f.from !== null && f.to !== null && f.to <= f.from) throw new FilterError(`'to' must be after 'from'`);
  return f;
}

export function parsePaging(q: Query): Paging {
  const sort = oneOf(q, 'sort', SORT_KEYS) ?? 'first_seen';
  const order = oneOf(q, 'order', ['asc', 'desc'] as const) ?? 'desc';
  const limit = integer(q, 'limit', 1, MAX_LIMIT) ?? 50;
  const offset = integer(q, 'offset', 0, MAX_OFFSET) ?? 0;
  return { sort, order, limit, offset };
}

/** `limit` of a top list: 1 to 100, 10 unless given */
export function parseTopLimit(q: Query): number {
  return integer(q, 'limit', 1, 100) ?? 10;
}

export const PAGING_NAMES = ['sort', 'order', 'limit', 'offset'] as const;
