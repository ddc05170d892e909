// BitTorrent, from the BEPs:
//  - BEP 3 peer wire handshake: <19> "BitTorrent protocol" <8 reserved bytes> <20-byte info_hash>
//    <20-byte peer id>;
//  - BEP 5 DHT: KRPC messages are bencoded dictionaries over UDP with keys "t" (transaction),
//    "y" (type: "q" query, "r" response, "e" error), and "q"/"a" or "r" or "e";
//  - BEP 29 uTP over UDP: a 20-byte header, type (4 bits: ST_DATA 0, ST_FIN 1, ST_STATE 2,
//    ST_RESET 3, ST_SYN 4) and version 1 in the first byte, first extension type, connection_id,
//    timestamps, window, seq_nr, ack_nr; then a chain of extensions (next type, length, data).

const PROTOCOL_NAME = '\x13BitTorrent protocol';
export const HANDSHAKE_LEN = 68;

/** 1: the stream starts with the BEP 3 handshake, 0: it does not, -1: too short to say */
export function matchHandshake(data: Uint8Array, off: number, len: number): number {
  const n = Math.min(len, PROTOCOL_NAME.length);
  for (let i = 0; i < n; i++) if (data[off + i] !== PROTOCOL_NAME.charCodeAt(i)) return 0;
  return len >= PROTOCOL_NAME.length ? 1 : -1;
}

export function hex(data: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += data[at + i]!.toString(16).padStart(2, '0');
  return s;
}

function find(data: Uint8Array, from: number, end: number, needle: string): number {
  outer: for (let i = from; i + needle.length <= end; i++) {
    for (let k = 0; k < needle.length; k++) if (data[i + k] !== needle.charCodeAt(k)) continue outer;
    return i;
  }
  return -1;
}

export interface Krpc {
  type: 'q' | 'r' | 'e';
  /** the info_hash of a get_peers / announce_peer query, hex */
  infoHash: string | null;
}

/** A BEP 5 KRPC message (one UDP datagram): a bencoded dictionary with a "y" of q, r or e. */
export function readKrpc(data: Uint8Array, off: number, len: number): Krpc | null {
  if (len < 12 || data[off] !== 0x64 /* d */ || data[off + len - 1] !== 0x65 /* e */) return null;
  // the first key is a bencoded string: <digits>:
  const c = data[off + 1]!;
  if (c < 0x31 || c > 0x39) return null;
  const end = off + len;
  const y = find(data, off + 1, end, '1:y1:');
  if (y < 0) return null;
  const t = data[y + 5]!;
  if (t !== 0x71 && t !== 0x72 && t !== 0x65) return null;
  if (find(data, off + 1, end, '1:t') < 0) return null;
  let infoHash: string | null = null;
  const ih = find(data, off + 1, end, '9:info_hash20:');
  if (ih >= 0 && ih + 14 + 20 <= end) infoHash = hex(data, ih + 14, 20);
  return { type: t === 0x71 ? 'q' : t === 0x72 ? 'r' : 'e', infoHash };
}

export interface Utp {
  type: number;
  connectionId: number;
  seq: number;
  ack: number;
}

/** A BEP 29 uTP packet header with a well-formed extension chain; null otherwise. */
export function readUtp(data: Uint8Array, off: number, len: number): Utp | null {
  if (len < 20) return null;
  const b = data[off]!;
  if ((b & 0x0f) !== 1) return null;
  const type = b >> 4;
  if (type > 4) return null;
  let ext = data[off + 1]!;
  let p = off + 20;
  const end = off + len;
  for (let k = 0; ext !== 0; k++) {
    // known extensions: 1 selective ack (a bitmask, a multiple of 4 bytes), 2 extension bits (8)
    if (ext > 4 || k > 4 || p + 2 > end) return null;
    const next = data[p]!;
    const n = data[p + 1]!;
    if (n === 0 || p + 2 + n > end || (ext === 1 && n % 4 !== 0)) return null;
    ext = next;
    p += 2 + n;
  }
  // ST_STATE, ST_SYN and ST_RESET carry no payload
  if ((type === 2 || type === 4 || type === 3) && p !== end) return null;
  if (type === 0 && p === end) return null;
  return {
    type,
    connectionId: (data[off + 2]! << 8) | data[off + 3]!,
    seq: (data[off + 16]! << 8) | data[off + 17]!,
    ack: (data[off + 18]! << 8) | data[off + 19]!,
  };
}
