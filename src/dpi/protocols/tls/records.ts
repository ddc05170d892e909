import { createHash } from 'node:crypto';

// The TLS record layer (RFC 8446 §5.1, RFC 5246 §6.2) for one direction of a TCP stream: records
// may be split across segments, several handshake messages may share a record, and one message
// may span records. Handshake bytes are gathered as they arrive (a record not yet complete still
// contributes what it has), so a long Certificate message can be read before its end arrives.

export const ContentType = { ChangeCipherSpec: 20, Alert: 21, Handshake: 22, ApplicationData: 23, Heartbeat: 24 } as const;
export const HandshakeType = { ClientHello: 1, ServerHello: 2, Certificate: 11, ServerKeyExchange: 12, ServerHelloDone: 14 } as const;

/** largest record body: 2^14 plus the expansion allowed for protected records */
const MAX_RECORD = 16384 + 2048;
/** handshake bytes kept per direction */
const MAX_HANDSHAKE = 65536;

/** a plausible record header at d[i..i+5)? (content type 20..24, version 3.x with x ≤ 4) */
export function isRecordHeader(d: Uint8Array, i: number, end: number): boolean {
  if (i + 3 > end) return i < end ? d[i]! >= 20 && d[i]! <= 24 : true;
  const t = d[i]!;
  if (t < 20 || t > 24 || d[i + 1] !== 3 || d[i + 2]! > 4) return false;
  if (i + 5 > end) return true;
  return ((d[i + 3]! << 8) | d[i + 4]!) <= MAX_RECORD;
}

export interface HandshakeMessage {
  type: number;
  /** body bytes (may be a prefix when `complete` is false) */
  body: Uint8Array;
  complete: boolean;
}

export class RecordReader {
  /** offset (from the stream start) of the record being read */
  private recPos = 0;
  /** body bytes of that record already taken */
  private taken = 0;
  private hs = new Uint8Array(1024);
  private hsLen = 0;
  /** offset in hs of the next handshake message */
  private hsPos = 0;
  /** a ChangeCipherSpec was sent: later handshake records are encrypted */
  encrypted = false;
  /** application data records seen */
  applicationData = false;
  alert = false;
  /** the stream is not TLS records (or lost alignment) */
  broken = false;
  /** records fully read */
  records = 0;

  /**
   * Reads new records from the stream `d[off..off+len)` (the whole stream so far). Returns the
   * handshake messages completed by these bytes (in order).
   */
  feed(d: Uint8Array, off: number, len: number): HandshakeMessage[] {
    const out: HandshakeMessage[] = [];
    if (this.broken) return out;
    for (;;) {
      const p = off + this.recPos;
      const end = off + len;
      if (p + 5 > end) break;
      if (!isRecordHeader(d, p, end)) {
        this.broken = true;
        break;
      }
      const type = d[p]!;
      const rlen = (d[p + 3]! << 8) | d[p + 4]!;
      const avail = Math.min(rlen, end - (p + 5));
      if (type === ContentType.Handshake && !this.encrypted && avail > this.taken) {
        this.append(d, p + 5 + this.taken, avail - this.taken);
      }
      this.taken = avail;
      if (avail < rlen) break;
      this.recPos += 5 + rlen;
      this.taken = 0;
      this.records++;
      if (type === ContentType.ChangeCipherSpec) this.encrypted = true;
      else if (type === ContentType.ApplicationData) this.applicationData = true;
      else if (type === ContentType.Alert) this.alert = true;
    }
    this.messages(out);
    return out;
  }

  /** the handshake message being received, not yet complete (for reading a certificate early) */
  pending(): HandshakeMessage | null {
    if (this.hsPos + 4 > this.hsLen) return null;
    const type = this.hs[this.hsPos]!;
    return { type, body: this.hs.subarray(this.hsPos + 4, this.hsLen), complete: false };
  }

  private append(d: Uint8Array, i: number, n: number): void {
    const room = MAX_HANDSHAKE - this.hsLen;
    n = Math.min(n, room);
    if (n <= 0) return;
    if (this.hsLen + n > this.hs.length) {
      const grown = new Uint8Array(Math.min(MAX_HANDSHAKE, Math.max(this.hs.length * 2, this.hsLen + n)));
      grown.set(this.hs.subarray(0, this.hsLen));
      this.hs = grown;
    }
    this.hs.set(d.subarray(i, i + n), this.hsLen);
    this.hsLen += n;
  }

  private messages(out: HandshakeMessage[]): void {
    while (this.hsPos + 4 <= this.hsLen) {
      const type = this.hs[this.hsPos]!;
      const mlen = (this.hs[this.hsPos + 1]! << 16) | (this.hs[this.hsPos + 2]! << 8) | this.hs[this.hsPos + 3]!;
      if (this.hsPos + 4 + mlen > this.hsLen) break;
      out.push({ type, body: this.hs.slice(this.hsPos + 4, this.hsPos + 4 + mlen), complete: true });
      this.hsPos += 4 + mlen;
    }
  }
}

export interface ServerHello {
  legacyVersion: number;
  /** the negotiated version: supported_versions when present, else legacy_version */
  version: number;
  cipher: number;
  extensions: number[];
  /** the ALPN protocol the server chose, or null */
  alpn: string | null;
  /** a HelloRetryRequest (RFC 8446 §4.1.3): the real ServerHello follows */
  retry: boolean;
}

const HRR_RANDOM = [
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/** ServerHello body (RFC 8446 §4.1.3; DTLS has the same layout). Null when malformed. */
export function parseServerHelloBody(d: Uint8Array, off: number, len: number): ServerHello | null {
  const end = Math.min(d.length, off + len);
  let i = off;
  if (i + 2 + 32 + 1 > end) return null;
  const legacyVersion = (d[i]! << 8) | d[i + 1]!;
  let retry = true;
  for (let k = 0; k < 32; k++) if (d[i + 2 + k] !== HRR_RANDOM[k]) retry = false;
  i += 34;
  const sid = d[i]!;
  if (sid > 32) return null;
  i += 1 + sid;
  if (i + 3 > end) return null;
  const cipher = (d[i]! << 8) | d[i + 1]!;
  i += 3; // cipher, compression method
  const sh: ServerHello = { legacyVersion, version: legacyVersion, cipher, extensions: [], alpn: null, retry };
  if (i + 2 > end) return sh;
  const extEnd = Math.min(end, i + 2 + ((d[i]! << 8) | d[i + 1]!));
  i += 2;
  while (i + 4 <= extEnd) {
    const type = (d[i]! << 8) | d[i + 1]!;
    const elen = (d[i + 2]! << 8) | d[i + 3]!;
    i += 4;
    if (i + elen > extEnd) break;
    sh.extensions.push(type);
    if (type === 0x002b && elen === 2) sh.version = (d[i]! << 8) | d[i + 1]!;
    else if (type === 0x0010 && elen >= 3) {
      const n = d[i + 2]!;
      if (3 + n <= elen) sh.alpn = String.fromCharCode(...d.subarray(i + 3, i + 3 + n));
    }
    i += elen;
  }
  return sh;
}

/** JA3S (Salesforce): MD5 of "SSLVersion,Cipher,SSLExtension1-SSLExtension2…" */
export function ja3s(sh: ServerHello): string {
  return createHash('md5').update(`${sh.legacyVersion},${sh.cipher},${sh.extensions.join('-')}`).digest('hex');
}

export function versionName(v: number): string {
  switch (v) {
    case 0x0304: return 'TLSv1.3';
    case 0x0303: return 'TLSv1.2';
    case 0x0302: return 'TLSv1.1';
    case 0x0301: return 'TLSv1';
    case 0x0300: return 'SSLv3';
    case 0x0002: return 'SSLv2';
    case 0xfeff: return 'DTLSv1.0';
    case 0xfefd: return 'DTLSv1.2';
    case 0xfefc: return 'DTLSv1.3';
    default: return `0x${v.toString(16).padStart(4, '0')}`;
  }
}

/** older than TLS 1.2 (or DTLS 1.2) */
export function isObsoleteVersion(v: number): boolean {
  if ((v & 0xff00) === 0xfe00) return v > 0xfefd; // DTLS 1.0 (0xfeff)
  return v < 0x0303;
}
