// Test support: builds TLS/DTLS handshake bytes field by field, so tests can say what each byte
// is (no captured bytes are needed). Not used by the dissector itself.

export type Bytes = number[];

export const u8 = (v: number): Bytes => [v & 0xff];
export const u16 = (v: number): Bytes => [(v >> 8) & 0xff, v & 0xff];
export const u24 = (v: number): Bytes => [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
export const ascii = (s: string): Bytes => Array.from(s, (c) => c.charCodeAt(0) & 0xff);
/** a vector with a 1-, 2- or 3-byte length prefix */
export const vec = (n: 1 | 2 | 3, body: Bytes): Bytes => [...(n === 1 ? u8(body.length) : n === 2 ? u16(body.length) : u24(body.length)), ...body];
export const u16s = (xs: readonly number[]): Bytes => xs.flatMap(u16);

export function ext(type: number, body: Bytes): Bytes {
  return [...u16(type), ...vec(2, body)];
}
export const sniExt = (name: string): Bytes => ext(0x0000, vec(2, [0x00, ...vec(2, ascii(name))]));
export const alpnExt = (names: readonly string[]): Bytes => ext(0x0010, vec(2, names.flatMap((n) => vec(1, ascii(n)))));
export const groupsExt = (gs: readonly number[]): Bytes => ext(0x000a, vec(2, u16s(gs)));
export const pointFormatsExt = (fs: readonly number[]): Bytes => ext(0x000b, vec(1, fs.slice()));
export const sigAlgsExt = (ss: readonly number[]): Bytes => ext(0x000d, vec(2, u16s(ss)));
export const supportedVersionsExt = (vs: readonly number[]): Bytes => ext(0x002b, vec(1, u16s(vs)));
/** any other extension, with an empty (or given) body */
export const emptyExt = (type: number, body: Bytes = []): Bytes => ext(type, body);

export interface HelloSpec {
  version?: number;
  ciphers: readonly number[];
  /** extension blocks in wire order (each from ext()/sniExt()/…); undefined: no extensions field */
  extensions?: readonly Bytes[];
  sessionId?: Bytes;
  /** DTLS only: the cookie (its presence is implied by a 0xfeXX version) */
  cookie?: Bytes;
}

/** ClientHello body (after the 4-byte handshake header) */
export function clientHelloBody(h: HelloSpec): Bytes {
  const version = h.version ?? 0x0303;
  return [
    ...u16(version), // legacy_version
    ...new Array<number>(32).fill(0x11), // random
    ...vec(1, h.sessionId ?? new Array<number>(32).fill(0x22)), // legacy_session_id
    ...((version & 0xff00) === 0xfe00 ? vec(1, h.cookie ?? []) : []), // DTLS cookie
    ...vec(2, u16s(h.ciphers)), // cipher_suites
    ...vec(1, [0x00]), // legacy_compression_methods: null
    ...(h.extensions === undefined ? [] : vec(2, h.extensions.flat())),
  ];
}

/** a handshake message: type, 24-bit length, body */
export const handshake = (type: number, body: Bytes): Bytes => [type, ...u24(body.length), ...body];

/** a TLS record: content type, version, 16-bit length, fragment */
export const record = (type: number, body: Bytes, version = 0x0301): Bytes => [type, ...u16(version), ...vec(2, body)];

export interface ServerHelloSpec {
  version?: number;
  cipher: number;
  extensions?: readonly Bytes[];
}

export function serverHelloBody(h: ServerHelloSpec): Bytes {
  return [
    ...u16(h.version ?? 0x0303),
    ...new Array<number>(32).fill(0x33),
    ...vec(1, new Array<number>(32).fill(0x44)),
    ...u16(h.cipher),
    0x00,
    ...(h.extensions === undefined ? [] : vec(2, h.extensions.flat())),
  ];
}

// Minimal DER writer, for certificates in tests.
function derLen(n: number): Bytes {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}
export const der = (tag: number, body: Bytes): Bytes => [tag, ...derLen(body.length), ...body];
export const seq = (...items: Bytes[]): Bytes => der(0x30, items.flat());
export const oid = (dotted: string): Bytes => {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    for (let v = p >> 7; v > 0; v >>= 7) stack.unshift(0x80 | (v & 0x7f));
    out.push(...stack);
  }
  return der(0x06, out);
};
const name = (cn: string, org?: string): Bytes => seq(
  ...(org ? [der(0x31, seq(oid('2.5.4.10'), der(0x0c, ascii(org))))] : []),
  der(0x31, seq(oid('2.5.4.3'), der(0x0c, ascii(cn)))),
);
/** UTCTime YYMMDDHHMMSSZ */
const utc = (s: string): Bytes => der(0x17, ascii(s));
const generalized = (s: string): Bytes => der(0x18, ascii(s));

export interface CertSpec {
  subjectCn: string;
  issuerCn: string;
  notBefore: string;
  notAfter: string;
  san?: readonly string[];
  /** when set, notAfter is written as GeneralizedTime */
  generalizedAfter?: boolean;
}

/** A structurally valid X.509 certificate (RFC 5280 §4.1); key and signature are dummies. */
export function certificate(c: CertSpec): Bytes {
  const extensions = c.san
    ? [der(0xa3, seq(seq(oid('2.5.29.17'), der(0x04, seq(...c.san.map((n) => der(0x82, ascii(n))))))))]
    : [];
  const tbs = seq(
    der(0xa0, der(0x02, [0x02])), // version v3
    der(0x02, [0x01, 0x23]), // serial
    seq(oid('1.2.840.113549.1.1.11'), [0x05, 0x00]), // sha256WithRSAEncryption
    name(c.issuerCn, 'Issuer Org'),
    seq(utc(c.notBefore), c.generalizedAfter ? generalized(c.notAfter) : utc(c.notAfter)),
    name(c.subjectCn),
    seq(seq(oid('1.2.840.113549.1.1.1'), [0x05, 0x00]), der(0x03, [0x00, 0x01, 0x02])), // SubjectPublicKeyInfo
    ...extensions,
  );
  return seq(tbs, seq(oid('1.2.840.113549.1.1.11'), [0x05, 0x00]), der(0x03, [0x00, 0xaa]));
}

/** TLS 1.2 Certificate message body: a 24-bit list length, then (24-bit length, DER)* */
export const certificateBody = (certs: readonly Bytes[]): Bytes => vec(3, certs.flatMap((c) => vec(3, c)));

export const bytes = (b: Bytes): Uint8Array => Uint8Array.from(b);
