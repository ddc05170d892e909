import { latin1 } from '../../helpers/text.js';
// A minimal DER reader (X.690) for the few X.509 fields the TLS dissector shows (RFC 5280 §4.1):
// subject and issuer common names, the subjectAltName DNS names, and the validity period.
// Hostile input never throws: anything malformed yields null.

export interface CertificateInfo {
  subjectCn: string | null;
  issuerCn: string | null;
  /** subject and issuer Names are byte-for-byte equal */
  selfIssued: boolean;
  /** subjectAltName dNSName entries */
  dnsNames: string[];
  /** seconds since the epoch */
  notBefore: number | null;
  notAfter: number | null;
}

interface Tlv {
  tag: number;
  /** content start, content end */
  start: number;
  end: number;
}

/** the TLV at d[i..limit): single-byte tags only (all X.509 fields we read use them) */
function tlv(d: Uint8Array, i: number, limit: number): Tlv | null {
  if (i + 2 > limit) return null;
  const tag = d[i]!;
  if ((tag & 0x1f) === 0x1f) return null;
  let n = d[i + 1]!;
  let p = i + 2;
  if (n & 0x80) {
    const k = n & 0x7f;
    if (k === 0 || k > 4 || p + k > limit) return null;
    n = 0;
    for (let j = 0; j < k; j++) n = n * 256 + d[p + j]!;
    p += k;
  }
  if (p + n > limit) return null;
  return { tag, start: p, end: p + n };
}

/** the children of a constructed TLV */
function children(d: Uint8Array, t: Tlv): Tlv[] | null {
  const out: Tlv[] = [];
  let i = t.start;
  while (i < t.end) {
    const c = tlv(d, i, t.end);
    if (!c) return null;
    out.push(c);
    i = c.end;
  }
  return out;
}

const OID_CN = [0x55, 0x04, 0x03];
const OID_SAN = [0x55, 0x1d, 0x11];

function equalBytes(d: Uint8Array, t: Tlv, want: readonly number[]): boolean {
  if (t.end - t.start !== want.length) return false;
  for (let i = 0; i < want.length; i++) if (d[t.start + i] !== want[i]) return false;
  return true;
}

function text(d: Uint8Array, t: Tlv): string {
  if (t.tag === 0x1e) {
    // BMPString: UTF-16BE
    let s = '';
    for (let i = t.start; i + 1 < t.end; i += 2) s += String.fromCharCode((d[i]! << 8) | d[i + 1]!);
    return s;
  }
  if (t.tag === 0x0c) return utf8.decode(d.subarray(t.start, t.end));
  return latin1(d, t.start, t.end);
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** the last commonName in a Name (the most specific one) */
function commonName(d: Uint8Array, name: Tlv): string | null {
  let cn: string | null = null;
  for (const rdn of children(d, name) ?? []) {
    for (const atv of children(d, rdn) ?? []) {
      const parts = children(d, atv);
      if (!parts || parts.length < 2 || parts[0]!.tag !== 0x06) continue;
      if (equalBytes(d, parts[0]!, OID_CN)) cn = text(d, parts[1]!);
    }
  }
  return cn;
}

/** UTCTime (YYMMDDHHMM[SS]Z) or GeneralizedTime (YYYYMMDDHHMM[SS]Z) → seconds since the epoch */
function time(d: Uint8Array, t: Tlv): number | null {
  const s = text(d, t);
  const m = t.tag === 0x17
    ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/.exec(s)
    : t.tag === 0x18 ? /^(\d\d\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(?:\.\d+)?Z$/.exec(s) : null;
  if (!m) return null;
  let year = Number(m[1]);
  if (t.tag === 0x17) year += year < 50 ? 2000 : 1900; // RFC 5280 §4.1.2.5.1
  const ms = Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}

function sanDnsNames(d: Uint8Array, extensions: Tlv): string[] {
  const names: string[] = [];
  // extensions: [3] EXPLICIT SEQUENCE OF Extension
  const list = children(d, extensions)?.[0];
  if (!list || list.tag !== 0x30) return names;
  for (const ext of children(d, list) ?? []) {
    const parts = children(d, ext);
    if (!parts || parts.length < 2 || !equalBytes(d, parts[0]!, OID_SAN)) continue;
    const value = parts[parts.length - 1]!;
    if (value.tag !== 0x04) continue;
    const seq = tlv(d, value.start, value.end);
    if (!seq || seq.tag !== 0x30) continue;
    for (const gn of children(d, seq) ?? []) if (gn.tag === 0x82) names.push(text(d, gn));
  }
  return names;
}

/** Reads one DER certificate at d[off..off+len). */
export function parseCertificate(d: Uint8Array, off: number, len: number): CertificateInfo | null {
  try {
    const limit = Math.min(d.length, off + len);
    const cert = tlv(d, off, limit);
    if (!cert || cert.tag !== 0x30) return null;
    const tbs = tlv(d, cert.start, cert.end);
    if (!tbs || tbs.tag !== 0x30) return null;
    const f = children(d, tbs);
    if (!f) return null;
    let i = f[0]?.tag === 0xa0 ? 1 : 0; // [0] version
    i += 2; // serialNumber, signature
    const issuer = f[i];
    const validity = f[i + 1];
    const subject = f[i + 2];
    if (!issuer || !validity || !subject || issuer.tag !== 0x30 || subject.tag !== 0x30 || validity.tag !== 0x30) return null;
    const v = children(d, validity) ?? [];
    const extensions = f.slice(i + 4).find((t) => t.tag === 0xa3);
    const same = issuer.end - issuer.start === subject.end - subject.start &&
      d.subarray(issuer.start, issuer.end).every((b, k) => b === d[subject.start + k]);
    return {
      subjectCn: commonName(d, subject),
      issuerCn: commonName(d, issuer),
      selfIssued: same,
      dnsNames: extensions ? sanDnsNames(d, extensions) : [],
      notBefore: v[0] ? time(d, v[0]) : null,
      notAfter: v[1] ? time(d, v[1]) : null,
    };
  } catch {
    return null;
  }
}

/** RFC 6125 §6.4: case-insensitive; a leading '*' label matches exactly one whole label. */
export function nameMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (p === h) return true;
  if (!p.startsWith('*.')) return false;
  const suffix = p.slice(1); // ".example.com"
  if (suffix.split('.').length < 3) return false; // no "*.com"
  if (!h.endsWith(suffix)) return false;
  const label = h.slice(0, h.length - suffix.length);
  return label.length > 0 && !label.includes('.');
}
