// QUIC packet and frame parsing (RFC 9000 §16 variable-length integers, §17.2 long headers,
// §19 frames) and a bounded reassembler for CRYPTO stream data.

/** a decoded variable-length integer and the offset after it; value is exact up to 2^53 */
export interface VarInt {
  value: number;
  next: number;
}

/** RFC 9000 §16: reads a varint at `off`, or null when it runs past `end` */
export function readVarInt(data: Uint8Array, off: number, end: number): VarInt | null {
  if (off >= end) return null;
  const first = data[off]!;
  const len = 1 << (first >> 6);
  if (off + len > end) return null;
  let v = first & 0x3f;
  for (let i = 1; i < len; i++) v = v * 256 + data[off + i]!;
  return { value: v, next: off + len };
}

export interface LongHeader {
  /** the first byte as on the wire (its low bits still protected) */
  first: number;
  version: number;
  /** long packet type (bits 4-5 of the first byte) */
  type: number;
  dcid: Uint8Array;
  scid: Uint8Array;
  /** Initial packets: the token length (0 for other types) */
  tokenLength: number;
  /** where the packet number starts, relative to the packet start */
  pnOffset: number;
  /** the Length field: packet number and protected payload */
  length: number;
  /** the whole packet's size (pnOffset + length) */
  size: number;
}

/** the longest connection ID QUIC v1 allows (RFC 9000 §17.2) */
export const MAX_CID = 20;

/**
 * Parses an IETF-style long header (QUIC v1/v2/drafts, gQUIC Q050/T05x) at data[off..end).
 * `withToken` says whether this packet type carries a token (Initial packets).
 * Returns null when it is truncated or malformed.
 */
export function parseLongHeader(data: Uint8Array, off: number, end: number, initialType: number): LongHeader | null {
  if (end - off < 7) return null;
  const first = data[off]!;
  if ((first & 0x80) === 0) return null;
  const version = ((data[off + 1]! << 24) | (data[off + 2]! << 16) | (data[off + 3]! << 8) | data[off + 4]!) >>> 0;
  if (version === 0) return null; // version negotiation: no length field
  const type = (first >> 4) & 0x03;
  let p = off + 5;
  const dcil = data[p++]!;
  if (dcil > MAX_CID || p + dcil >= end) return null;
  const dcid = data.subarray(p, p + dcil);
  p += dcil;
  const scil = data[p++]!;
  if (scil > MAX_CID || p + scil > end) return null;
  const scid = data.subarray(p, p + scil);
  p += scil;
  let tokenLength = 0;
  if (type === initialType) {
    const t = readVarInt(data, p, end);
    if (!t || t.next + t.value > end) return null;
    tokenLength = t.value;
    p = t.next + t.value;
  } else if (type === ((initialType + 3) & 3)) {
    // Retry (v1 type 3, v2 type 0): no length field, not something we decrypt
    return null;
  }
  const l = readVarInt(data, p, end);
  if (!l) return null;
  const pnOffset = l.next - off;
  return { first, version, type, dcid, scid, tokenLength, pnOffset, length: l.value, size: pnOffset + l.value };
}

/** A CRYPTO (or gQUIC crypto stream) fragment found in a decrypted payload. */
export interface CryptoFragment {
  offset: number;
  data: Uint8Array;
}

export interface FrameScan {
  fragments: CryptoFragment[];
  /** a CONNECTION_CLOSE frame was seen */
  closed: boolean;
  /** parsing stopped early on an unknown or truncated frame */
  malformed: boolean;
}

/**
 * The frames of a decrypted Initial payload (RFC 9000 §17.2.2 allows PADDING, PING, ACK, CRYPTO,
 * CONNECTION_CLOSE). `gquic` selects Google QUIC (Q050/T05x) frame types: PADDING 0x00, PING
 * 0x07, CRYPTO 0x08 (varint offset and length).
 */
export function scanFrames(p: Uint8Array, gquic = false): FrameScan {
  const out: FrameScan = { fragments: [], closed: false, malformed: false };
  const end = p.length;
  let i = 0;
  while (i < end) {
    const type = p[i]!;
    if (type === 0x00) {
      i++;
      while (i < end && p[i] === 0) i++;
      continue;
    }
    if (gquic) {
      if (type === 0x07) {
        i++;
        continue;
      }
      if (type === 0x08) {
        const o = readVarInt(p, i + 1, end);
        const l = o && readVarInt(p, o.next, end);
        if (!o || !l || l.next + l.value > end) return { ...out, malformed: true };
        out.fragments.push({ offset: o.value, data: p.subarray(l.next, l.next + l.value) });
        i = l.next + l.value;
        continue;
      }
      return { ...out, malformed: true };
    }
    switch (type) {
      case 0x01: // PING
        i++;
        break;
      case 0x02: // ACK
      case 0x03: {
        // largest acknowledged, ack delay, range count, first range, then (gap, range) pairs
        let q: VarInt | null = { value: 0, next: i + 1 };
        for (let k = 0; k < 3 && q; k++) q = readVarInt(p, q.next, end);
        if (!q) return { ...out, malformed: true };
        const ranges = q.value;
        q = readVarInt(p, q.next, end);
        for (let k = 0; k < 2 * ranges + (type === 0x03 ? 3 : 0) && q; k++) q = readVarInt(p, q.next, end);
        if (!q) return { ...out, malformed: true };
        i = q.next;
        break;
      }
      case 0x06: { // CRYPTO
        const o = readVarInt(p, i + 1, end);
        const l = o && readVarInt(p, o.next, end);
        if (!o || !l || l.next + l.value > end) return { ...out, malformed: true };
        out.fragments.push({ offset: o.value, data: p.subarray(l.next, l.next + l.value) });
        i = l.next + l.value;
        break;
      }
      case 0x1c: { // CONNECTION_CLOSE (transport): error code, frame type, reason phrase
        const e = readVarInt(p, i + 1, end);
        const f = e && readVarInt(p, e.next, end);
        const r = f && readVarInt(p, f.next, end);
        if (!r || r.next + r.value > end) return { ...out, closed: true, malformed: true };
        out.closed = true;
        i = r.next + r.value;
        break;
      }
      default:
        return { ...out, malformed: true };
    }
  }
  return out;
}

/**
 * Reassembles a stream's first bytes from fragments in any order (duplicates and overlaps
 * allowed) into a buffer of at most `max` bytes; bytes past `max` are dropped.
 */
export class CryptoReassembler {
  private buf: Uint8Array | null = null;
  /** covered byte ranges [start, end), sorted, disjoint, not touching */
  private ranges: number[] = [];

  constructor(readonly max = 16384) {}

  add(offset: number, data: Uint8Array): void {
    if (offset >= this.max || data.length === 0) return;
    const end = Math.min(this.max, offset + data.length);
    if (!this.buf) this.buf = new Uint8Array(Math.min(this.max, Math.max(2048, end * 2)));
    if (end > this.buf.length) {
      const b = new Uint8Array(Math.min(this.max, Math.max(end, this.buf.length * 2)));
      b.set(this.buf);
      this.buf = b;
    }
    this.buf.set(data.subarray(0, end - offset), offset);
    // merge [offset, end) into the ranges
    const r = this.ranges;
    let s = offset;
    let e = end;
    const kept: number[] = [];
    for (let k = 0; k < r.length; k += 2) {
      const a = r[k]!;
      const b = r[k + 1]!;
      if (b < s || a > e) kept.push(a, b);
      else {
        s = Math.min(s, a);
        e = Math.max(e, b);
      }
    }
    kept.push(s, e);
    const pairs: [number, number][] = [];
    for (let k = 0; k < kept.length; k += 2) pairs.push([kept[k]!, kept[k + 1]!]);
    pairs.sort((x, y) => x[0] - y[0]);
    this.ranges = pairs.flat();
  }

  /** how many bytes from offset 0 are present without a hole */
  get contiguous(): number {
    return this.ranges.length && this.ranges[0] === 0 ? this.ranges[1]! : 0;
  }

  /** the contiguous bytes from offset 0 */
  bytes(): Uint8Array {
    return this.buf ? this.buf.subarray(0, this.contiguous) : new Uint8Array(0);
  }

  get empty(): boolean {
    return this.ranges.length === 0;
  }
}
