import { RCODE_NAMES, TYPE_NAMES } from '../../dpi/protocols/dns/parser.js';
import { type ZeekField, type ZeekType, type ZeekValue } from './format.js';

// What of a sonde flow record goes into which Zeek log, under Zeek 6.x's field names and types
// (base scripts: conn, dns, http, ssl, ssh). Each log lists Zeek's own fields first, in Zeek's
// order, then any additions at the end, as Zeek packages add theirs: names from Zeek itself or
// from the packages that log the same value (ja3, ja4, hassh), else with a `sonde_` prefix.
// What sonde does not know is left unset ('-'), not guessed; missed_bytes (0) and an empty http
// tags set are Zeek's own defaults.

/** a flow record as `sonde analyze --format jsonl` prints it */
export type FlowRecord = Record<string, unknown>;
export type UidFunction = (record: FlowRecord) => string;
export type ZeekLogName = 'conn' | 'dns' | 'http' | 'ssl' | 'ssh';
export const ZEEK_LOG_NAMES: readonly ZeekLogName[] = ['conn', 'dns', 'http', 'ssl', 'ssh'];

interface Context {
  r: FlowRecord;
  uid: string;
  /** the log's protocol object (record.dns, record.tls…); the record itself for conn */
  p: FlowRecord;
}

interface Column extends ZeekField {
  get: (c: Context) => ZeekValue;
}

export interface ZeekLogSpec {
  path: ZeekLogName;
  fields: readonly ZeekField[];
  /** the values in field order, or null when the record has no row in this log */
  values(record: FlowRecord, uid?: UidFunction): ZeekValue[] | null;
}

// ---- reading records defensively: a missing or mistyped member is unset, never an error

const str = (o: FlowRecord, k: string): string | null => (typeof o[k] === 'string' ? (o[k] as string) : null);
const num = (o: FlowRecord, k: string): number | null => (typeof o[k] === 'number' && Number.isFinite(o[k]) ? (o[k] as number) : null);
const obj = (o: FlowRecord, k: string): FlowRecord | null =>
  o[k] !== null && typeof o[k] === 'object' && !Array.isArray(o[k]) ? (o[k] as FlowRecord) : null;
const strings = (o: FlowRecord, k: string): string[] | null =>
  Array.isArray(o[k]) ? (o[k] as unknown[]).filter((x): x is string => typeof x === 'string') : null;

const L4_BY_NAME: Record<string, number> = { TCP: 6, UDP: 17, ICMP: 1, ICMPv6: 58 };
function l4Proto(r: FlowRecord): number | null {
  const n = num(r, 'l4_proto');
  if (n !== null) return n;
  const l4 = r['l4'];
  return typeof l4 === 'number' ? l4 : typeof l4 === 'string' ? (L4_BY_NAME[l4] ?? null) : null;
}

/** Zeek's transport_proto: it files ICMPv6 under icmp, and has no name for other transports */
function zeekProto(r: FlowRecord): string | null {
  const p = l4Proto(r);
  if (p === null) return null;
  return p === 6 ? 'tcp' : p === 17 ? 'udp' : p === 1 || p === 58 ? 'icmp' : 'unknown_transport';
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

const col = (name: string, type: ZeekType, get: (c: Context) => ZeekValue): Column => ({ name, type, get });

const ID_COLUMNS: readonly Column[] = [
  col('ts', 'time', (c) => num(c.r, 'first_seen')),
  col('uid', 'string', (c) => c.uid),
  col('id.orig_h', 'addr', (c) => str(c.r, 'src')),
  col('id.orig_p', 'port', (c) => port(c.r, 'sport')),
  col('id.resp_h', 'addr', (c) => str(c.r, 'dst')),
  col('id.resp_p', 'port', (c) => port(c.r, 'dport')),
];

const unset = (): ZeekValue => null;

function spec(path: ZeekLogName, columns: readonly Column[], object: (r: FlowRecord) => FlowRecord | null): ZeekLogSpec {
  return {
    path,
    fields: columns.map(({ name, type }) => ({ name, type })),
    values(record, uid = zeekUid) {
      const p = object(record);
      if (p === null) return null;
      const c: Context = { r: record, uid: uid(record), p };
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
const TLS_UPGRADES: readonly [string, string][] = [['smtp', 'starttls'], ['imap', 'starttls'], ['pop3', 'starttls'], ['ftp', 'auth_tls'], ['postgresql', 'tls']];

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

const CONN: readonly Column[] = [
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

// ---- dns.log

const TYPE_NUMBERS = new Map(Object.entries(TYPE_NAMES).map(([n, name]) => [name, Number(n)]));

/** Zeek's names for query types sonde leaves as TYPEnn (DNS::query_types) */
const ZEEK_ONLY_QTYPES: Record<number, string> = {
  3: 'MD', 4: 'MF', 7: 'MB', 8: 'MG', 9: 'MR', 11: 'WKS', 14: 'MINFO', 19: 'X25', 20: 'ISDN', 21: 'RT', 22: 'NSAP',
  23: 'NSAP-PTR', 26: 'PX', 27: 'GPOS', 30: 'EID', 31: 'NIMLOC', 32: 'NB', 34: 'ATMA', 38: 'A6', 40: 'SINK', 56: 'NINFO',
  57: 'RKEY', 58: 'TALINK', 100: 'UINFO', 101: 'UID', 102: 'GID', 103: 'UNSPEC', 104: 'NID', 105: 'L32', 106: 'L64',
  107: 'LP', 108: 'EUI48', 109: 'EUI64', 32768: 'TA', 32769: 'DLV', 65281: 'WINS', 65282: 'WINS-R', 65422: 'XPF', 65521: 'INTEGRITY',
};

function qtypeNumber(name: string | null): number | null {
  if (name === null) return null;
  const m = /^TYPE(\d+)$/.exec(name);
  return m ? Number(m[1]) : (TYPE_NUMBERS.get(name) ?? null);
}

function qtypeName(name: string | null): string | null {
  const n = qtypeNumber(name);
  if (n === null) return name;
  if (n === 255) return '*';
  return ZEEK_ONLY_QTYPES[n] ?? TYPE_NAMES[n] ?? `query-${n}`;
}

function rcodeNumber(name: string | null): number | null {
  if (name === null) return null;
  const m = /^RCODE(\d+)$/.exec(name);
  if (m) return Number(m[1]);
  const i = RCODE_NAMES.indexOf(name);
  return i >= 0 ? i : null;
}

/** Zeek's DNS::base_errors spelling */
function rcodeName(name: string | null): string | null {
  const n = rcodeNumber(name);
  if (n === null) return name;
  if (n === 8) return 'NXRRSet';
  if (n >= 11 && n <= 15) return `unassigned-${n}`;
  return n <= 10 ? RCODE_NAMES[n]! : `rcode-${n}`;
}

/**
 * Query to first response. Over UDP sonde's first packet each way are the first query and its
 * answer; over TCP the first packets are the handshake, so there is no rtt to give.
 */
function dnsRtt(c: Context): number | null {
  if (zeekProto(c.r) !== 'udp' || str(c.p, 'rcode') === null) return null;
  const q = num(c.r, 'first_seen_c2s');
  const a = num(c.r, 'first_seen_s2c');
  if (q === null || a === null || a <= q) return null;
  return Math.round((a - q) * 1e6) / 1e6;
}

const DNS: readonly Column[] = [
  ...ID_COLUMNS,
  col('proto', 'enum', (c) => zeekProto(c.r)),
  col('trans_id', 'count', unset),
  col('rtt', 'interval', dnsRtt),
  col('query', 'string', (c) => str(c.p, 'query')),
  col('qclass', 'count', unset),
  col('qclass_name', 'string', unset),
  col('qtype', 'count', (c) => qtypeNumber(str(c.p, 'qtype'))),
  col('qtype_name', 'string', (c) => qtypeName(str(c.p, 'qtype'))),
  col('rcode', 'count', (c) => rcodeNumber(str(c.p, 'rcode'))),
  col('rcode_name', 'string', (c) => rcodeName(str(c.p, 'rcode'))),
  col('AA', 'bool', unset),
  col('TC', 'bool', unset),
  col('RD', 'bool', unset),
  col('RA', 'bool', unset),
  col('Z', 'count', unset),
  // Zeek creates the vector with the first answer: no answers is unset, not empty
  col('answers', 'vector[string]', (c) => { const a = strings(c.p, 'answers'); return a && a.length > 0 ? a : null; }),
  col('TTLs', 'vector[interval]', unset),
  col('rejected', 'bool', unset),
];

// ---- http.log

/** resp_mime_types holds media types; sonde has the Content-Type header, parameters and all */
function mimeType(contentType: string | null): string[] | null {
  const t = contentType?.split(';')[0]!.trim().toLowerCase();
  return t ? [t] : null;
}

const HTTP: readonly Column[] = [
  ...ID_COLUMNS,
  col('trans_depth', 'count', () => 1), // sonde keeps the first request of the connection
  col('method', 'string', (c) => str(c.p, 'method')),
  col('host', 'string', (c) => str(c.p, 'host')),
  // Zeek's uri of a CONNECT is its authority (host:port); sonde never keeps query strings
  col('uri', 'string', (c) => (str(c.p, 'method') === 'CONNECT' ? (str(c.p, 'target') ?? str(c.p, 'path')) : str(c.p, 'path'))),
  col('referrer', 'string', unset),
  col('version', 'string', unset),
  col('user_agent', 'string', (c) => str(c.p, 'user_agent')),
  col('origin', 'string', unset),
  col('request_body_len', 'count', unset),
  col('response_body_len', 'count', unset),
  col('status_code', 'count', (c) => num(c.p, 'status')),
  col('status_msg', 'string', unset),
  col('info_code', 'count', unset),
  col('info_msg', 'string', unset),
  // the one tag a Zeek script sets from the request line (policy/protocols/http/detect-sqli)
  col('tags', 'set[enum]', (c) => ((strings(c.r, 'risks') ?? []).includes('url_possible_sql_injection') ? ['HTTP::URI_SQLI'] : [])),
  col('username', 'string', unset),
  col('password', 'string', unset),
  col('proxied', 'set[string]', unset),
  col('orig_fuids', 'vector[string]', unset),
  col('orig_filenames', 'vector[string]', unset),
  col('orig_mime_types', 'vector[string]', unset),
  col('resp_fuids', 'vector[string]', unset),
  col('resp_filenames', 'vector[string]', unset),
  col('resp_mime_types', 'vector[string]', (c) => mimeType(str(c.p, 'content_type'))),
  col('sonde_server', 'string', (c) => str(c.p, 'server')),
];

// ---- ssl.log

/** Zeek's SSL::version_strings: TLSv12, DTLSv10…, unknown-N for the rest */
function tlsVersion(v: string | null): string | null {
  if (v === null) return null;
  const m = /^(D?TLS)v1(?:\.(\d))?$/.exec(v);
  return m ? `${m[1]}v1${m[2] ?? '0'}` : unknownNumber(v);
}

/** sonde writes versions and suites it has no name for in hex; Zeek says unknown-N */
function unknownNumber(v: string | null): string | null {
  const hex = v === null ? null : /^0x([0-9a-f]{1,4})$/i.exec(v);
  return hex ? `unknown-${parseInt(hex[1]!, 16)}` : v;
}

/** RFC 4514 escaping, as Zeek prints distinguished names */
function dnValue(v: string): string {
  return v.replace(/[,+"\\<>;=]/g, (ch) => `\\${ch}`).replace(/^[ #]/, (ch) => `\\${ch}`).replace(/ $/, '\\ ');
}

/** Zeek's subject/issuer are whole distinguished names; sonde has only the common name. */
const commonName = (v: string | null): string | null => (v === null ? null : `CN=${dnValue(v)}`);

/** Unset without an SNI (as Zeek) or without a certificate to compare it with. */
function sniMatchesCert(c: Context): boolean | null {
  if (str(c.p, 'sni') === null) return null;
  if (str(c.p, 'subject') === null && strings(c.p, 'server_names') === null) return null;
  return !(strings(c.r, 'risks') ?? []).includes('certificate_mismatch');
}

const SSL: readonly Column[] = [
  ...ID_COLUMNS,
  col('version', 'string', (c) => tlsVersion(str(c.p, 'version'))),
  col('cipher', 'string', (c) => unknownNumber(str(c.p, 'cipher'))),
  col('curve', 'string', unset),
  col('server_name', 'string', (c) => str(c.p, 'sni')),
  col('resumed', 'bool', unset),
  col('last_alert', 'string', unset),
  col('next_protocol', 'string', (c) => str(c.p, 'alpn_server')),
  col('established', 'bool', unset),
  col('ssl_history', 'string', unset),
  col('cert_chain_fps', 'vector[string]', unset),
  col('client_cert_chain_fps', 'vector[string]', unset),
  col('sni_matches_cert', 'bool', sniMatchesCert),
  // Zeek's own SSL::Info names (logged by default before Zeek 5), then the ja3 and ja4 packages'
  col('subject', 'string', (c) => commonName(str(c.p, 'subject'))),
  col('issuer', 'string', (c) => commonName(str(c.p, 'issuer'))),
  col('ja3', 'string', (c) => str(c.r, 'ja3')),
  col('ja3s', 'string', (c) => str(c.r, 'ja3s') ?? str(c.p, 'ja3s')),
  col('ja4', 'string', (c) => str(c.r, 'ja4')),
  col('sonde_client_alpn', 'vector[string]', (c) => strings(c.r, 'alpn')),
  col('sonde_san_dns', 'vector[string]', (c) => strings(c.p, 'server_names')),
  col('sonde_cert_not_before', 'time', (c) => num(c.p, 'not_before')),
  col('sonde_cert_not_after', 'time', (c) => num(c.p, 'not_after')),
];

// ---- ssh.log

/** SSH-2.0-… and SSH-1.99-… (a server speaking both) are version 2 */
function sshVersion(c: Context): number | null {
  const banners = [str(c.p, 'server_banner'), str(c.p, 'client_banner')].filter((b): b is string => b !== null);
  const versions = banners.map((b) => /^SSH-(\d+)\.(\d+)-/.exec(b)).filter((m): m is RegExpExecArray => m !== null)
    .map((m) => (m[1] === '1' && m[2] === '99' ? 2 : Number(m[1])));
  return versions.length > 0 ? Math.min(...versions) : null;
}

const SSH: readonly Column[] = [
  ...ID_COLUMNS,
  col('version', 'count', sshVersion),
  col('auth_success', 'bool', unset),
  col('auth_attempts', 'count', unset),
  col('direction', 'enum', unset),
  col('client', 'string', (c) => str(c.p, 'client_banner')),
  col('server', 'string', (c) => str(c.p, 'server_banner')),
  col('cipher_alg', 'string', unset),
  col('mac_alg', 'string', unset),
  col('compression_alg', 'string', unset),
  col('kex_alg', 'string', unset),
  col('host_key_alg', 'string', unset),
  col('host_key', 'string', unset),
  // the hassh package's names for the same values
  col('hassh', 'string', (c) => str(c.r, 'hassh')),
  col('hasshServer', 'string', (c) => str(c.r, 'hassh_server')),
  col('sshka', 'string', (c) => str(c.p, 'server_host_key')),
  col('sonde_client_kex', 'string', (c) => str(c.p, 'client_kex')),
];

const ofRecord = (r: FlowRecord): FlowRecord => r;
const member = (...keys: string[]) => (r: FlowRecord): FlowRecord | null => {
  for (const k of keys) {
    const o = obj(r, k);
    if (o !== null) return o;
  }
  return null;
};

/** Every log: conn has a row per record; the others one per record that has their protocol's object. */
export const ZEEK_LOGS: Readonly<Record<ZeekLogName, ZeekLogSpec>> = {
  conn: spec('conn', CONN, ofRecord),
  dns: spec('dns', DNS, member('dns')),
  http: spec('http', HTTP, member('http')),
  ssl: spec('ssl', SSL, member('tls', 'dtls')), // Zeek logs DTLS in ssl.log too
  ssh: spec('ssh', SSH, member('ssh')),
};
