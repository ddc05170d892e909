import { readVarInt } from './packet.js';

// The QUIC transport parameters extension of a ClientHello (RFC 9000 §18; drafts before 27 used
// 16-bit ids and lengths), read only for Google's user agent parameter (id 0x3129). The ClientHello
// fields themselves come from the TLS dissector's parser; this only locates one extension's bytes.

export const EXT_QUIC_TP = 0x0039;
export const EXT_QUIC_TP_DRAFT = 0xffa5;
const GOOGLE_USER_AGENT = 0x3129;

/** the body of the first extension of one of `types` in a ClientHello body, or null */
export function findExtension(d: Uint8Array, off: number, len: number, types: readonly number[]): { type: number; body: Uint8Array } | null {
  const end = Math.min(d.length, off + len);
  let i = off + 2 + 32;
  if (i + 1 > end) return null;
  i += 1 + d[i]!; // session id
  if (i + 2 > end) return null;
  i += 2 + ((d[i]! << 8) | d[i + 1]!); // cipher suites
  if (i + 1 > end) return null;
  i += 1 + d[i]!; // compression methods
  if (i + 2 > end) return null;
  const extEnd = Math.min(end, i + 2 + ((d[i]! << 8) | d[i + 1]!));
  i += 2;
  while (i + 4 <= extEnd) {
    const type = (d[i]! << 8) | d[i + 1]!;
    const l = (d[i + 2]! << 8) | d[i + 3]!;
    i += 4;
    if (i + l > extEnd) return null;
    if (types.includes(type)) return { type, body: d.subarray(i, i + l) };
    i += l;
  }
  return null;
}

/** Google's user agent transport parameter, when present and printable */
export function googleUserAgent(tp: Uint8Array, varints: boolean): string | null {
  let i = 0;
  let end = tp.length;
  if (!varints) {
    if (tp.length < 2) return null;
    end = Math.min(end, 2 + ((tp[0]! << 8) | tp[1]!));
    i = 2;
  }
  while (i < end) {
    let id: number;
    let l: number;
    if (varints) {
      const a = readVarInt(tp, i, end);
      const b = a && readVarInt(tp, a.next, end);
      if (!a || !b) return null;
      id = a.value;
      l = b.value;
      i = b.next;
    } else {
      if (i + 4 > end) return null;
      id = (tp[i]! << 8) | tp[i + 1]!;
      l = (tp[i + 2]! << 8) | tp[i + 3]!;
      i += 4;
    }
    if (i + l > end) return null;
    if (id === GOOGLE_USER_AGENT) {
      let s = '';
      for (let k = i; k < i + l; k++) {
        const c = tp[k]!;
        if (c < 0x20 || c > 0x7e) return null;
        s += String.fromCharCode(c);
      }
      return s.length ? s : null;
    }
    i += l;
  }
  return null;
}
