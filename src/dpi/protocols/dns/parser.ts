import { latin1 } from '../../helpers/text.js';
import { formatIpv4, formatIpv6 } from '../../../flow/address.js';

// DNS messages (RFC 1035 §4.1, RFC 3596 AAAA, RFC 6891 EDNS OPT), also the wire format of mDNS
// (RFC 6762) and LLMNR (RFC 4795). Pure functions over bytes; every read is bounds-checked and
// name compression is followed only backwards, so hostile input ends in null, never in a loop.

export const HEADER_LEN = 12;
const MAX_NAME = 255;
const MAX_QUESTIONS = 32;
const MAX_RECORDS = 512;
/** how many answer values a message contributes (addresses and CNAME targets) */
export const MAX_ANSWERS = 16;

export const TYPE_NAMES: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 10: 'NULL', 12: 'PTR', 13: 'HINFO', 15: 'MX', 16: 'TXT', 17: 'RP', 18: 'AFSDB',
  24: 'SIG', 25: 'KEY', 28: 'AAAA', 29: 'LOC', 33: 'SRV', 35: 'NAPTR', 36: 'KX', 37: 'CERT', 39: 'DNAME', 41: 'OPT', 42: 'APL',
  43: 'DS', 44: 'SSHFP', 45: 'IPSECKEY', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 49: 'DHCID', 50: 'NSEC3', 51: 'NSEC3PARAM',
  52: 'TLSA', 53: 'SMIMEA', 55: 'HIP', 59: 'CDS', 60: 'CDNSKEY', 61: 'OPENPGPKEY', 62: 'CSYNC', 63: 'ZONEMD', 64: 'SVCB',
  65: 'HTTPS', 99: 'SPF', 249: 'TKEY', 250: 'TSIG', 251: 'IXFR', 252: 'AXFR', 253: 'MAILB', 254: 'MAILA', 255: 'ANY',
  256: 'URI', 257: 'CAA',
};

export const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE', 'DSOTYPENI'];

export function typeName(t: number): string {
  return TYPE_NAMES[t] ?? `TYPE${t}`;
}

export function rcodeName(r: number): string {
  return RCODE_NAMES[r] ?? `RCODE${r}`;
}

export interface Question {
  name: string;
  /** 0: not read (a damaged packet ends before it, leniently parsed) */
  type: number;
  /** class without the mDNS unicast-response bit */
  cls: number;
}

export interface Answer {
  name: string;
  type: number;
  /** A/AAAA address or CNAME target; undefined for other types */
  value?: string;
}

export interface DnsMessage {
  id: number;
  response: boolean;
  opcode: number;
  rcode: number;
  truncated: boolean;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
  questions: Question[];
  /** answer-section records, up to MAX_ANSWERS */
  answers: Answer[];
  /** every section parsed without error up to its declared count */
  complete: boolean;
  /** bytes after the last record (0 for a well-formed message) */
  trailing: number;
  /** the longest label of any question name */
  longestLabel: number;
}

export interface ParseOptions {
  /**
   * strict: also require a sane header (Z bit clear, known opcode), classes in the known set
   * and the whole datagram consumed: for DNS on ports not reserved for it
   */
  strict: boolean;
}

/** Header sanity shared by probe and parse: allocation-free. */
export function headerLooksValid(data: Uint8Array, off: number, len: number, strict: boolean): boolean {
  if (len < HEADER_LEN) return false;
  const flags = (data[off + 2]! << 8) | data[off + 3]!;
  const opcode = (flags >> 11) & 0xf;
  if (opcode === 3 || opcode > 6) return false; // 0 QUERY, 1 IQUERY, 2 STATUS, 4 NOTIFY, 5 UPDATE, 6 DSO
  const qd = (data[off + 4]! << 8) | data[off + 5]!;
  const an = (data[off + 6]! << 8) | data[off + 7]!;
  const ns = (data[off + 8]! << 8) | data[off + 9]!;
  const ar = (data[off + 10]! << 8) | data[off + 11]!;
  if (qd > MAX_QUESTIONS || an + ns + ar > MAX_RECORDS) return false;
  if (qd === 0 && an === 0 && ns === 0 && ar === 0) return false;
  if (strict) {
    if ((flags & 0x0040) !== 0) return false; // Z must be zero
    if (opcode !== 0 && opcode !== 4 && opcode !== 5) return false;
    if ((flags & 0x8000) === 0 && (flags & 0x000f) !== 0) return false; // a query carries no RCODE
    if (qd === 0 && (flags & 0x8000) === 0) return false;
  }
  // the first question name starts at 12 and cannot be a compression pointer (nothing before it)
  if (qd > 0 && len > HEADER_LEN && data[off + HEADER_LEN]! > 63) return false;
  return true;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** printable form of one label: ASCII as is, valid UTF-8 decoded, other bytes as '?' */
function labelText(data: Uint8Array, from: number, n: number): string {
  let ascii = true;
  for (let i = from; i < from + n; i++) if (data[i]! < 0x20 || data[i]! > 0x7e) ascii = false;
  if (ascii) return latin1(data, from, from + n);
  try {
    const s = strictUtf8.decode(data.subarray(from, from + n));
    if (!/[\x00-\x1f\x7f]/.test(s)) return s;
  } catch {
    // not UTF-8
  }
  let out = '';
  for (let i = from; i < from + n; i++) out += data[i]! >= 0x20 && data[i]! <= 0x7e ? String.fromCharCode(data[i]!) : '?';
  return out;
}

export interface NameRead {
  /** lower case, labels joined by '.', '' for the root */
  name: string;
  /** offset just past the name at its original position */
  next: number;
  longestLabel: number;
}

/**
 * Reads a (possibly compressed) domain name at `pos` of the message `data[off..end)`. Returns null
 * for reserved label types, labels past the end, names over 255 bytes, or pointers that do not
 * point strictly backwards (which rules out loops).
 */
export function readName(data: Uint8Array, off: number, end: number, pos: number): NameRead | null {
  const labels: string[] = [];
  let wire = 1;
  let next = -1;
  let longest = 0;
  let p = pos;
  let limit = p; // a pointer must point before the place it was read from
  for (let hops = 0; hops < 128; hops++) {
    if (p >= end) return null;
    const b = data[p]!;
    if (b === 0) {
      if (next < 0) next = p + 1;
      return { name: labels.join('.').toLowerCase(), next, longestLabel: longest };
    }
    const kind = b & 0xc0;
    if (kind === 0xc0) {
      if (p + 1 >= end) return null;
      const target = off + (((b & 0x3f) << 8) | data[p + 1]!);
      if (next < 0) next = p + 2;
      if (target >= limit || target < off + HEADER_LEN) return null;
      limit = target;
      p = target;
      continue;
    }
    if (kind !== 0) return null; // 0x40 and 0x80 label types are reserved / obsolete
    if (p + 1 + b > end) return null;
    wire += b + 1;
    if (wire > MAX_NAME) return null;
    labels.push(labelText(data, p + 1, b));
    if (b > longest) longest = b;
    p += 1 + b;
  }
  return null;
}

const KNOWN_CLASSES = new Set([1, 3, 4, 254, 255]);

/**
 * Parses a DNS message in `data[off..off+len)`. Returns null when it is not a DNS message under
 * the options; otherwise the header, questions and answer values (a message cut short by the
 * capture or by hostile counts is returned with complete = false in lenient mode).
 */
export function parseDns(data: Uint8Array, off: number, len: number, opts: ParseOptions): DnsMessage | null {
  if (!headerLooksValid(data, off, len, opts.strict)) return null;
  const end = off + len;
  const u16 = (p: number): number => (data[p]! << 8) | data[p + 1]!;
  const flags = u16(off + 2);
  const m: DnsMessage = {
    id: u16(off),
    response: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    rcode: flags & 0xf,
    truncated: (flags & 0x0200) !== 0,
    qdcount: u16(off + 4),
    ancount: u16(off + 6),
    nscount: u16(off + 8),
    arcount: u16(off + 10),
    questions: [],
    answers: [],
    complete: false,
    trailing: 0,
    longestLabel: 0,
  };
  let p = off + HEADER_LEN;
  for (let i = 0; i < m.qdcount; i++) {
    const n = readName(data, off, end, p);
    // strict: the first question must be sound. Lenient: its name is kept as read when the
    // packet is damaged after it (type and class cut off or zero: type 0, not read), and a later
    // broken question ends the parse there.
    if (n === null) return !opts.strict && i > 0 ? m : null;
    if (n.next + 4 > end) {
      if (opts.strict) return null;
      if (i === 0) m.questions.push({ name: n.name, type: 0, cls: 0 });
      return m;
    }
    const type = u16(n.next);
    const cls = u16(n.next + 2) & 0x7fff;
    if (type === 0 || (opts.strict && !KNOWN_CLASSES.has(cls))) {
      if (opts.strict) return null;
      if (i === 0) m.questions.push({ name: n.name, type: 0, cls });
      return m;
    }
    m.questions.push({ name: n.name, type, cls });
    if (n.longestLabel > m.longestLabel) m.longestLabel = n.longestLabel;
    p = n.next + 4;
  }
  const records = m.ancount + m.nscount + m.arcount;
  for (let i = 0; i < records; i++) {
    const n = readName(data, off, end, p);
    if (n === null || n.next + 10 > end) return opts.strict ? null : m;
    const type = u16(n.next);
    const cls = u16(n.next + 2) & 0x7fff;
    const rdlen = u16(n.next + 8);
    const rdata = n.next + 10;
    if (rdata + rdlen > end) return opts.strict ? null : m;
    if (type !== 41 && opts.strict && !KNOWN_CLASSES.has(cls)) return null;
    if (i < m.ancount && m.answers.length < MAX_ANSWERS) {
      const a: Answer = { name: n.name, type };
      if (type === 1 && rdlen === 4) a.value = formatIpv4(((data[rdata]! << 24) | (data[rdata + 1]! << 16) | (data[rdata + 2]! << 8) | data[rdata + 3]!) >>> 0);
      else if (type === 28 && rdlen === 16) {
        const w = (k: number): number => ((data[rdata + k]! << 24) | (data[rdata + k + 1]! << 16) | (data[rdata + k + 2]! << 8) | data[rdata + k + 3]!) >>> 0;
        a.value = formatIpv6(w(0), w(4), w(8), w(12));
      } else if (type === 5) {
        const t = readName(data, off, rdata + rdlen, rdata);
        if (t !== null) a.value = t.name;
        else if (opts.strict) return null;
      }
      m.answers.push(a);
    }
    p = rdata + rdlen;
  }
  m.complete = true;
  m.trailing = end - p;
  if (opts.strict && m.trailing !== 0) return null;
  return m;
}
