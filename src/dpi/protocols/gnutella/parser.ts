// Gnutella 0.6 (the RFC-Gnutella 0.6 draft, "The Gnutella Protocol Specification v0.6"):
//  - TCP connections open with a text handshake: "GNUTELLA CONNECT/0.6\r\n" + headers, answered by
//    "GNUTELLA/0.6 200 OK\r\n" + headers (0.4 peers: "GNUTELLA CONNECT/0.4\n\n" / "GNUTELLA OK\n\n");
//    a push answer opens with "GIV <index>:<servent GUID>/<name>\n\n"; files are fetched over HTTP
//    at "/uri-res/N2R?urn:…" (HUGE) or "/get/<index>/<name>".
//  - Messages (on TCP after the handshake, and as UDP datagrams) have a 23-byte header: 16-byte
//    message GUID, payload type, TTL, hops, payload length (32-bit little-endian).
//  - UDP datagrams may instead carry the semi-reliable UDP layer used by Gnutella servents
//    (gtk-gnutella's "GTA"/"GND" framing): 3-byte tag, flags, 16-bit sequence, part, part count.

/** payload types: ping, pong, bye, QRP route table, vendor, standard vendor, push, DHT, query, query hit */
const MESSAGE_TYPES = new Set([0x00, 0x01, 0x02, 0x30, 0x31, 0x32, 0x40, 0x44, 0x80, 0x81]);
export const HEADER_LEN = 23;
/** Gnutella servents drop messages with TTL + hops beyond a small limit (7 by default, 16 at most) */
const MAX_TTL_HOPS = 32;

/** A whole Gnutella message in `data[off..off+len)` (exactly one, as in a UDP datagram). */
export function isUdpMessage(data: Uint8Array, off: number, len: number): boolean {
  if (len < HEADER_LEN) return false;
  if (!MESSAGE_TYPES.has(data[off + 16]!)) return false;
  if (data[off + 17]! + data[off + 18]! > MAX_TTL_HOPS) return false;
  const payload = (data[off + 19]! | (data[off + 20]! << 8) | (data[off + 21]! << 16) | (data[off + 22]! << 24)) >>> 0;
  return payload === len - HEADER_LEN;
}

/** The semi-reliable UDP framing: "GTA" / "GND" tag, flags, sequence, part (1-based) of count. */
export function isSemiReliableUdp(data: Uint8Array, off: number, len: number): boolean {
  if (len < 8) return false;
  if (data[off] !== 0x47 || data[off + 1] !== 0x54 && data[off + 1] !== 0x4e) return false; // G T|N
  if (data[off + 2] !== (data[off + 1] === 0x54 ? 0x41 : 0x44)) return false; // GTA | GND
  const part = data[off + 6]!;
  const count = data[off + 7]!;
  // an acknowledgement carries part 0 / count 0; a fragment is part 1..count
  if (count === 0) return part === 0;
  return part >= 1 && part <= count;
}

const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const PREFIXES = ['GNUTELLA CONNECT/', 'GNUTELLA/', 'GNUTELLA OK', 'GIV '].map(enc);
const DOWNLOADS = ['GET /uri-res/N2R?', 'GET /uri-res/N2X?', 'GET /uri-res/N2TR?', 'GET /gnutella/', 'HEAD /uri-res/'].map(enc);

/** 1: matches, 0: cannot match, -1: too short to say */
function startsWith(data: Uint8Array, off: number, len: number, p: Uint8Array): number {
  const n = Math.min(len, p.length);
  for (let i = 0; i < n; i++) if (data[off + i] !== p[i]) return 0;
  return len >= p.length ? 1 : -1;
}

export const StreamKind = { No: 0, Handshake: 1, Download: 2, Unsure: 3 } as const;
export type StreamKindValue = (typeof StreamKind)[keyof typeof StreamKind];

/** What the start of a TCP stream says: a Gnutella handshake, a Gnutella download request, neither, or not enough bytes yet. */
export function classifyStream(data: Uint8Array, off: number, len: number): StreamKindValue {
  let unsure = false;
  for (const p of PREFIXES) {
    const m = startsWith(data, off, len, p);
    if (m === 1) return StreamKind.Handshake;
    if (m === -1) unsure = true;
  }
  for (const p of DOWNLOADS) {
    const m = startsWith(data, off, len, p);
    if (m === 1) return StreamKind.Download;
    if (m === -1) unsure = true;
  }
  return unsure ? StreamKind.Unsure : StreamKind.No;
}

/** The value of header `name` (case-insensitive) in the handshake's header block, if complete there. */
export function headerValue(data: Uint8Array, off: number, len: number, name: string): string | undefined {
  const end = off + Math.min(len, 4096);
  let lineStart = off;
  const lower = name.toLowerCase();
  for (let i = off; i < end; i++) {
    if (data[i] !== 0x0a) continue;
    let stop = i;
    if (stop > lineStart && data[stop - 1] === 0x0d) stop--;
    if (stop === lineStart) return undefined; // blank line: end of headers
    if (stop - lineStart > lower.length + 1 && data[lineStart + lower.length] === 0x3a) {
      let same = true;
      for (let k = 0; k < lower.length && same; k++) {
        const c = data[lineStart + k]!;
        same = (c >= 0x41 && c <= 0x5a ? c + 32 : c) === lower.charCodeAt(k);
      }
      if (same) {
        let v = '';
        for (let k = lineStart + lower.length + 1; k < stop && v.length < 128; k++) {
          const c = data[k]!;
          v += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
        }
        return v.trim();
      }
    }
    lineStart = i + 1;
  }
  return undefined;
}
