import { latin1 } from '../../helpers/text.js';
import { createHash } from 'node:crypto';

// CONTRACT between the TLS, DTLS and QUIC dissectors (implemented by the TLS dissector's author):
// parse a ClientHello handshake message body and fingerprint it. QUIC hands in the ClientHello it
// decrypted from Initial packets; DTLS the one it reassembled from handshake fragments.

export interface ClientHello {
  /** legacy_version field (0x0303 for TLS 1.2 and 1.3) */
  legacyVersion: number;
  /** supported_versions extension values (GREASE included, in wire order); empty when absent */
  supportedVersions: number[];
  /** cipher suites in wire order (GREASE included) */
  ciphers: number[];
  /** extension types in wire order (GREASE included) */
  extensions: number[];
  /** server_name (host_name) value, or null */
  sni: string | null;
  /** ALPN protocol names in wire order */
  alpn: string[];
  /** signature_algorithms values in wire order */
  signatureAlgorithms: number[];
  /** supported_groups values in wire order */
  groups: number[];
  /** ec_point_formats values */
  pointFormats: number[];
}

export type { ClientHello as TlsClientHello };

/** GREASE values (RFC 8701): 0x0a0a, 0x1a1a, … 0xfafa (both bytes equal, low nibble 0xa). */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && (v >> 8) === (v & 0xff);
}

const EXT_SERVER_NAME = 0x0000;
const EXT_SUPPORTED_GROUPS = 0x000a;
const EXT_EC_POINT_FORMATS = 0x000b;
const EXT_SIGNATURE_ALGORITHMS = 0x000d;
const EXT_ALPN = 0x0010;
/** encrypted_client_hello (RFC 9849): the real server name travels encrypted */
export const EXT_ECH = 0xfe0d;
const EXT_SUPPORTED_VERSIONS = 0x002b;

const u16 = (d: Uint8Array, i: number): number => (d[i]! << 8) | d[i + 1]!;

/** printable ASCII from bytes; non-printable bytes become '?' (names are shown, never trusted) */
function ascii(d: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) {
    const c = d[i]!;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
  }
  return s;
}

/** a list of 16-bit values with a `lenBytes`-byte length prefix at [i, end); null if malformed */
function readU16List(d: Uint8Array, i: number, end: number, lenBytes: 1 | 2): number[] | null {
  if (i + lenBytes > end) return null;
  const n = lenBytes === 2 ? u16(d, i) : d[i]!;
  i += lenBytes;
  if (i + n > end || (n & 1) !== 0) return null;
  const out: number[] = [];
  for (let k = 0; k < n; k += 2) out.push(u16(d, i + k));
  return out;
}

/**
 * Parses a ClientHello handshake body (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2; DTLS adds a cookie
 * after the session id, RFC 6347 §4.2.1, detected from legacy_version 0xfeXX) at data[off..off+len).
 * Returns null when the message is malformed or truncated before the cipher suites; an extension
 * block cut short keeps the extensions read so far (a body truncated in the middle is not parsed).
 * Never throws.
 */
export function parseClientHelloBody(data: Uint8Array, off: number, len: number): ClientHello | null {
  try {
    return parse(data, off, len);
  } catch {
    return null;
  }
}

function parse(d: Uint8Array, off: number, len: number): ClientHello | null {
  if (off < 0 || len < 0) return null;
  const end = Math.min(off + len, d.length);
  let i = off;
  if (i + 2 + 32 + 1 > end) return null;
  const legacyVersion = u16(d, i);
  i += 2 + 32; // version, random
  const sidLen = d[i]!;
  if (sidLen > 32) return null;
  i += 1 + sidLen;
  if ((legacyVersion & 0xff00) === 0xfe00) {
    // DTLS cookie
    if (i + 1 > end) return null;
    i += 1 + d[i]!;
  }
  if (i + 2 > end) return null;
  const cipherBytes = u16(d, i);
  i += 2;
  if ((cipherBytes & 1) !== 0 || i + cipherBytes > end) return null;
  const ciphers: number[] = [];
  for (let k = 0; k < cipherBytes; k += 2) ciphers.push(u16(d, i + k));
  i += cipherBytes;
  if (i + 1 > end) return null;
  const compLen = d[i]!;
  i += 1 + compLen;
  if (i > end) return null;

  const ch: ClientHello = {
    legacyVersion, supportedVersions: [], ciphers, extensions: [], sni: null, alpn: [],
    signatureAlgorithms: [], groups: [], pointFormats: [],
  };
  if (i + 2 > end) return ch; // no extensions (SSL 3.0 / early TLS)
  const extTotal = u16(d, i);
  i += 2;
  const extEnd = Math.min(end, i + extTotal);
  while (i + 4 <= extEnd) {
    const type = u16(d, i);
    const elen = u16(d, i + 2);
    i += 4;
    if (i + elen > extEnd) break;
    ch.extensions.push(type);
    const e = i + elen;
    switch (type) {
      case EXT_SERVER_NAME: {
        // ServerNameList: u16 len, then (type u8, u16 len, name)*
        if (i + 2 > e) break;
        const listEnd = Math.min(e, i + 2 + u16(d, i));
        let j = i + 2;
        while (j + 3 <= listEnd) {
          const nt = d[j]!;
          const nl = u16(d, j + 1);
          j += 3;
          if (j + nl > listEnd) break;
          if (nt === 0 && ch.sni === null) ch.sni = ascii(d, j, j + nl);
          j += nl;
        }
        break;
      }
      case EXT_ALPN: {
        if (i + 2 > e) break;
        const listEnd = Math.min(e, i + 2 + u16(d, i));
        let j = i + 2;
        while (j + 1 <= listEnd) {
          const pl = d[j]!;
          j += 1;
          if (j + pl > listEnd) break;
          ch.alpn.push(latin1(d, j, j + pl));
          j += pl;
        }
        break;
      }
      case EXT_SUPPORTED_GROUPS:
        ch.groups = readU16List(d, i, e, 2) ?? [];
        break;
      case EXT_SIGNATURE_ALGORITHMS:
        ch.signatureAlgorithms = readU16List(d, i, e, 2) ?? [];
        break;
      case EXT_SUPPORTED_VERSIONS:
        ch.supportedVersions = readU16List(d, i, e, 1) ?? [];
        break;
      case EXT_EC_POINT_FORMATS: {
        if (i + 1 > e) break;
        const n = Math.min(d[i]!, e - i - 1);
        for (let k = 0; k < n; k++) ch.pointFormats.push(d[i + 1 + k]!);
        break;
      }
      default:
    }
    i = e;
  }
  return ch;
}

const hex4 = (v: number): string => v.toString(16).padStart(4, '0');
const byNumber = (a: number, b: number): number => a - b;

/** the version JA4 shows: the highest non-GREASE supported_versions value, else legacy_version */
export function ja4Version(ch: ClientHello): number {
  let v = -1;
  for (const x of ch.supportedVersions) if (!isGrease(x) && x > v && (x & 0xff00) !== 0xfe00) v = x;
  if (v < 0) {
    // DTLS versions count down: 0xfefc (1.3) < 0xfefd (1.2) < 0xfeff (1.0)
    for (const x of ch.supportedVersions) if (!isGrease(x) && (x & 0xff00) === 0xfe00 && (v < 0 || x < v)) v = x;
  }
  return v < 0 ? ch.legacyVersion : v;
}

const VERSION_CODES: Record<number, string> = {
  0x0304: '13', 0x0303: '12', 0x0302: '11', 0x0301: '10', 0x0300: 's3', 0x0002: 's2',
  0xfeff: 'd1', 0xfefd: 'd2', 0xfefc: 'd3',
};

const isAlnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

function alpnCode(ch: ClientHello, style: Ja4Style): string {
  if (style === 'ndpi') {
    // nDPI reads the first two characters of the comma-joined ALPN list, and prints '0' as the
    // second when that list is only two characters long ("h2" alone gives "h0")
    const joined = ch.alpn.join(',');
    if (joined.length === 0) return '00';
    return joined[0]! + (joined.length > 2 ? joined[1]! : '0');
  }
  const first = ch.alpn[0];
  if (first === undefined || first.length === 0) return '00';
  const a = first.charCodeAt(0);
  const b = first.charCodeAt(first.length - 1);
  if (isAlnum(a) && isAlnum(b)) return String.fromCharCode(a) + String.fromCharCode(b);
  const h = Array.from(first, (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
  return h[0]! + h[h.length - 1]!;
}

const sha12 = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 12);
const two = (n: number): string => String(Math.min(n, 99)).padStart(2, '0');

/**
 * 'foxio': JA4 exactly as technical_details/JA4.md says. 'ndpi': the same with the two conventions
 * nDPI (4.x) follows, so values compare with nDPI's: the destination character is 'i' only when
 * the SNI is a numeric address ('d' otherwise, also without SNI); the ALPN characters are the
 * first two of the comma-joined ALPN list ("http/1.1" gives "ht", a lone "h2" gives "h0"); an
 * empty cipher or extension list is hashed like any other (sha256 of the empty string) instead
 * of printed as twelve zeros.
 */
export type Ja4Style = 'foxio' | 'ndpi';

const IP_LITERAL = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F]*:[0-9a-fA-F:.]*)$/;

function destinationChar(ch: ClientHello, exts: number[], style: Ja4Style): string {
  if (style === 'ndpi') return ch.sni !== null && IP_LITERAL.test(ch.sni) ? 'i' : 'd';
  return exts.includes(EXT_SERVER_NAME) ? 'd' : 'i';
}

/** The raw JA4 parts (sorted lists), for tests and debugging: [a, ciphers, extensions_sigalgs]. */
export function ja4Parts(ch: ClientHello, transport: 't' | 'q' | 'd', style: Ja4Style = 'foxio'): [string, string, string] {
  const ciphers = ch.ciphers.filter((c) => !isGrease(c));
  const exts = ch.extensions.filter((e) => !isGrease(e));
  const a = transport + (VERSION_CODES[ja4Version(ch)] ?? '00') + destinationChar(ch, exts, style) +
    two(ciphers.length) + two(exts.length) + alpnCode(ch, style);
  // four lower-case hex digits sort as their numbers do: sorted as numbers, without a string compare
  const b = ciphers.sort(byNumber).map(hex4).join(',');
  const sortedExts = exts.filter((e) => e !== EXT_SERVER_NAME && e !== EXT_ALPN).sort(byNumber).map(hex4).join(',');
  const sigs = ch.signatureAlgorithms.filter((s) => !isGrease(s)).map(hex4).join(',');
  const c = sigs.length > 0 ? `${sortedExts}_${sigs}` : sortedExts;
  return [a, b, sortedExts.length > 0 ? c : ''];
}

/**
 * JA4 (FoxIO), e.g. t13d1516h2_8daaf6152771_e5627efa2ab1. sonde reports the letter of JA4.md
 * ('foxio', the default), the value threat-intelligence databases use. 'ndpi' gives nDPI 4.x's
 * variant (see Ja4Style), for comparing with nDPI: they differ for hellos without SNI or with an
 * IP-address SNI, for ALPN lists whose first value is longer than two characters, and for empty lists.
 */
export function ja4(ch: ClientHello, transport: 't' | 'q' | 'd', style: Ja4Style = 'foxio'): string {
  const [a, b, c] = ja4Parts(ch, transport, style);
  const empty = style === 'ndpi' ? sha12('') : '000000000000';
  return `${a}_${b.length > 0 ? sha12(b) : empty}_${c.length > 0 ? sha12(c) : empty}`;
}

/** The JA3 string (Salesforce): version,ciphers,extensions,groups,point formats; GREASE removed. */
export function ja3String(ch: ClientHello): string {
  const list = (xs: number[]): string => xs.filter((x) => !isGrease(x)).join('-');
  return `${ch.legacyVersion},${list(ch.ciphers)},${list(ch.extensions)},${list(ch.groups)},${ch.pointFormats.join('-')}`;
}

/** JA3: MD5 (hex) of the JA3 string */
export function ja3(ch: ClientHello): string {
  return createHash('md5').update(ja3String(ch)).digest('hex');
}
