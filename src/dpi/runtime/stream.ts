// In-order TCP payload for the first bytes of one direction of a flow, for dissectors: segments
// are placed by sequence number; retransmissions and overlaps keep the bytes first seen; a segment
// beyond a hole waits (bounded) until the hole fills, and when too much waits the hole is skipped
// and marked as a gap. Only the first `cap` bytes of the direction are kept.

export const STREAM_CAP = 8192;
const MAX_PENDING_SEGMENTS = 16;

interface Pending {
  seq: number;
  data: Uint8Array;
}

/** signed difference a - b of two 32-bit sequence numbers */
function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** no bytes yet: streams that never carry payload allocate nothing */
const EMPTY = new Uint8Array(0);
/** the first allocation: most first segments are small, and live flows are many */
const FIRST_BYTES = 64;

export class TcpStream {
  buf: Uint8Array = EMPTY;
  len = 0;
  /** sequence number of the next in-order byte; undefined until the first segment or SYN */
  private next = 0;
  private started = false;
  private pending: Pending[] = [];
  /** a hole was skipped: bytes before `len` are not all the sender's bytes */
  gap = false;
  /** the stream reached its cap: later bytes are not kept */
  full = false;

  constructor(private readonly cap = STREAM_CAP) {}

  /** A SYN fixes the initial sequence number: payload starts at seq + 1. */
  syn(seq: number): void {
    if (this.started) return;
    this.next = (seq + 1) >>> 0;
    this.started = true;
  }

  /**
   * Adds a segment; returns how many in-order bytes became available (0 for a retransmission,
   * a segment waiting beyond a hole, or a full stream).
   */
  add(seq: number, data: Uint8Array, off: number, len: number): number {
    if (len <= 0 || this.full) return 0;
    if (!this.started) {
      this.next = seq >>> 0;
      this.started = true;
    }
    const before = this.len;
    const d = seqDiff(seq, this.next);
    if (d > 0) {
      // beyond a hole: keep a copy until the hole fills
      if (d < this.cap) {
        this.pending.push({ seq: seq >>> 0, data: data.slice(off, off + Math.min(len, this.cap)) });
        // drain() skips the hole once too many segments wait behind it
        if (this.pending.length < MAX_PENDING_SEGMENTS) return 0;
      } else {
        // far beyond the hole: give up on it
        this.gap = true;
        this.next = seq >>> 0;
        this.append(data, off, len);
      }
    } else if (-d < len) {
      // new bytes, possibly after an overlap with what we have: keep only the new tail
      this.append(data, off - d, len + d);
    }
    this.drain();
    return this.len - before;
  }

  private drain(): void {
    let progressed = true;
    while (progressed && this.pending.length > 0 && !this.full) {
      progressed = false;
      for (let i = 0; i < this.pending.length; i++) {
        const p = this.pending[i]!;
        const d = seqDiff(p.seq, this.next);
        if (d > 0) continue;
        this.pending.splice(i, 1);
        if (-d < p.data.length) this.append(p.data, -d, p.data.length + d);
        progressed = true;
        break;
      }
    }
    if (this.pending.length >= MAX_PENDING_SEGMENTS) {
      // the hole is not filling: skip to the earliest waiting segment
      this.pending.sort((a, b) => seqDiff(a.seq, b.seq));
      const first = this.pending.shift()!;
      this.gap = true;
      this.next = first.seq;
      this.append(first.data, 0, first.data.length);
      this.drain();
    }
  }

  private append(data: Uint8Array, off: number, len: number): void {
    const room = this.cap - this.len;
    const n = Math.min(len, room);
    if (n > 0) {
      if (this.len + n > this.buf.length) {
        const grown = new Uint8Array(Math.min(this.cap, Math.max(this.buf.length * 2, this.len + n, FIRST_BYTES)));
        grown.set(this.buf.subarray(0, this.len));
        this.buf = grown;
      }
      this.buf.set(data.subarray(off, off + n), this.len);
      this.len += n;
    }
    this.next = (this.next + len) >>> 0;
    if (this.len >= this.cap) {
      this.full = true;
      this.pending = [];
    }
  }
}
