import { type CryptoFragment } from './packet.js';

// Google QUIC before the IETF-style headers (Q043 and older: the "public header"; Q046: a long
// header without length or encryption). Client hellos travel in cleartext STREAM frames on stream 1
// as a CHLO handshake message: a tag/value map with the server name under 'SNI' and the user
// agent under 'UAID'.

export interface GquicPublicHeader {
  version: number;
  /** where the frames start */
  payloadOffset: number;
}

const asciiVersion = (data: Uint8Array, at: number): number =>
  ((data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!) >>> 0;

/** the decimal number of a 'Q0xx' version (43 for Q043), 0 for others */
export function gquicNumber(v: number): number {
  if (v >>> 24 !== 0x51 && v >>> 24 !== 0x54) return 0;
  const d1 = ((v >>> 16) & 0xff) - 0x30;
  const d2 = ((v >>> 8) & 0xff) - 0x30;
  const d3 = (v & 0xff) - 0x30;
  if ([d1, d2, d3].some((d) => d < 0 || d > 9)) return 0;
  return d1 * 100 + d2 * 10 + d3;
}

/**
 * A client packet with a gQUIC public header carrying a version (Q043 and older): flags with the
 * version and 8-byte connection ID bits set, no reset, no diversification nonce.
 */
export function isGquicPublicHeader(data: Uint8Array, off: number, len: number): boolean {
  if (len < 13) return false;
  const f = data[off]!;
  if ((f & 0x80) !== 0 || (f & 0x09) !== 0x09 || (f & 0x02) !== 0) return false;
  const v = asciiVersion(data, off + 9);
  return data[off + 9] === 0x51 && gquicNumber(v) > 0 && gquicNumber(v) <= 45;
}

export function parsePublicHeader(data: Uint8Array, off: number, len: number): GquicPublicHeader | null {
  if (!isGquicPublicHeader(data, off, len)) return null;
  const f = data[off]!;
  const version = asciiVersion(data, off + 9);
  const pnLen = [1, 2, 4, 6][(f >> 4) & 3]!;
  // 0x04 is the diversification nonce only in server packets (older clients set 0x0C for an
  // 8-byte connection ID): client packets never carry a nonce
  let p = 1 + 8 + 4 + pnLen;
  p += 12; // message authentication hash of unencrypted packets
  if (gquicNumber(version) < 34) p += 1; // private flags
  if (p >= len) return null;
  return { version, payloadOffset: p };
}

/** Q046: long header 0xC3 ('Q046'), DCID length nibble 5 (8 bytes), 4-byte packet number */
export function parseQ046Header(data: Uint8Array, off: number, len: number): GquicPublicHeader | null {
  if (len < 31 || (data[off]! & 0xc0) !== 0xc0) return null;
  const version = asciiVersion(data, off + 1);
  if (gquicNumber(version) !== 46 || data[off + 5] !== 0x50) return null;
  // first byte 0xC3: Initial with a 4-byte packet number; then 12 bytes of message hash
  if ((data[off]! & 0x33) !== 0x03) return null;
  return { version, payloadOffset: 1 + 4 + 1 + 8 + 4 + 12 };
}

/**
 * The crypto-stream (stream 1) data of a cleartext gQUIC payload (Q046 and older frame format):
 * PADDING, then possibly an ACK frame of a retransmission, then a STREAM frame.
 */
export function gquicStreamFrames(p: Uint8Array, version: number): CryptoFragment[] {
  const be = gquicNumber(version) >= 39;
  const u = (at: number, n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++) v = be ? v * 256 + p[at + i]! : v + p[at + i]! * 2 ** (8 * i);
    return v;
  };
  const out: CryptoFragment[] = [];
  let i = 0;
  const end = p.length;
  while (i < end && p[i] === 0) i++;
  if (i < end && (p[i] === 0x40 || p[i] === 0x60)) i += p[i] === 0x40 ? 6 : 9; // short ACK frames
  while (i < end && p[i] === 0) i++;
  if (i >= end) return out;
  const t = p[i]!;
  if ((t & 0x80) === 0) return out; // not a STREAM frame
  const idLen = (t & 0x03) + 1;
  const ooo = (t >> 2) & 0x07;
  const offLen = ooo === 0 ? 0 : ooo + 1;
  let q = i + 1;
  if (q + idLen + offLen > end) return out;
  const streamId = u(q, idLen);
  q += idLen;
  const offset = u(q, offLen);
  q += offLen;
  let dataLen = end - q;
  if ((t & 0x20) !== 0) {
    if (q + 2 > end) return out;
    dataLen = u(q, 2);
    q += 2;
  }
  if (streamId !== 1 || q + dataLen > end) return out;
  out.push({ offset, data: p.subarray(q, q + dataLen) });
  return out;
}

export interface Chlo {
  tags: Map<string, Uint8Array>;
}

/** total size of the CHLO message at the start of `m` once known (header and tag table present) */
export function chloSize(m: Uint8Array): number | null {
  if (m.length < 8) return null;
  const n = m[4]! | (m[5]! << 8);
  const table = 8 + 8 * n;
  if (m.length < table) return null;
  if (n === 0) return table;
  const last = table - 4;
  return table + (m[last]! | (m[last + 1]! << 8) | (m[last + 2]! << 16) | (m[last + 3]! << 24)) >>> 0;
}

/** 'CHLO' (or 'CHLO'-like tag message): the tag → value map, or null when not a CHLO */
export function parseChlo(m: Uint8Array): Chlo | null {
  if (m.length < 8 || m[0] !== 0x43 || m[1] !== 0x48 || m[2] !== 0x4c || m[3] !== 0x4f) return null;
  const n = m[4]! | (m[5]! << 8);
  const table = 8 + 8 * n;
  if (table > m.length) return null;
  const tags = new Map<string, Uint8Array>();
  let prev = 0;
  for (let k = 0; k < n; k++) {
    const at = 8 + 8 * k;
    const tag = String.fromCharCode(m[at]!, m[at + 1]!, m[at + 2]!, m[at + 3]!).replace(/\0+$/, '');
    const endOff = (m[at + 4]! | (m[at + 5]! << 8) | (m[at + 6]! << 16) | (m[at + 7]! << 24)) >>> 0;
    if (endOff < prev || table + endOff > m.length) break;
    tags.set(tag, m.subarray(table + prev, table + endOff));
    prev = endOff;
  }
  return { tags };
}

/** printable ASCII of a tag value, or null */
export function tagText(v: Uint8Array | undefined): string | null {
  if (!v || v.length === 0) return null;
  let s = '';
  for (const b of v) {
    if (b < 0x20 || b > 0x7e) return null;
    s += String.fromCharCode(b);
  }
  return s;
}
