import { KEY_WORDS } from '../flow/key.js';
import { type FlowRecordArrays } from '../flow/table.js';

// KISS payload signatures (Finamore, Mellia, Meo, Rossi, IEEE/ACM ToN 2010): for each server
// endpoint, how far the values of the first payload bytes, read as 4-bit groups, are from uniform.
// A protocol's constant fields (versions, types, flags) give large chi-square values, its counters
// and random identifiers small ones, and encrypted bytes about 15: a signature that needs no
// knowledge of the protocol and keeps no payload (only counts).

export const KISS_BYTES = 12;
export const KISS_GROUPS = KISS_BYTES * 2;
const VALUES = 16;
/** observations per window: the counts are halved when an endpoint reaches it, so that the signature follows the endpoint's recent packets */
export const KISS_WINDOW = 80;
/** fewer observations than this give no signature (a chi-square over 16 values needs a few per value) */
export const KISS_MIN_OBSERVATIONS = 6;
/** entries per bucket: a new endpoint replaces the least recently observed of its bucket */
const WAYS = 4;
const KEY_WORDS_PER_ENDPOINT = 5;
const CELLS = KISS_GROUPS * VALUES;

/** Pearson's chi-square of `VALUES` observed counts against the uniform expectation n/16. */
export function chiSquare(counts: ArrayLike<number>, at: number, n: number): number {
  if (n === 0) return 0;
  const expected = n / VALUES;
  let x = 0;
  for (let v = 0; v < VALUES; v++) {
    const d = counts[at + v]! - expected;
    x += (d * d) / expected;
  }
  return x;
}

/** Bounded table of server endpoints (address, port, transport) and their nibble counts. */
export class KissTable {
  readonly entries: number;
  private readonly bucketMask: number;
  private readonly keys: Uint32Array;
  /** observations counted in the current window (0: the entry is free) */
  private readonly observed: Uint16Array;
  private readonly touched: Float64Array;
  private readonly counts: Uint8Array;
  private tick = 0;
  /** endpoints dropped to make room for new ones */
  evictions = 0;
  private readonly probe = new Uint32Array(KEY_WORDS_PER_ENDPOINT);

  constructor(buckets = 4096) {
    if ((buckets & (buckets - 1)) !== 0) throw new Error('KissTable buckets must be a power of two');
    this.entries = buckets * WAYS;
    this.bucketMask = buckets - 1;
    this.keys = new Uint32Array(this.entries * KEY_WORDS_PER_ENDPOINT);
    this.observed = new Uint16Array(this.entries);
    this.touched = new Float64Array(this.entries);
    this.counts = new Uint8Array(this.entries * CELLS);
  }

  /** Puts flow `id`'s server endpoint and a direction into the probe key; returns its bucket's first entry. */
  private serverKey(t: FlowRecordArrays, id: number, dir: 0 | 1): number {
    const base = id * KEY_WORDS;
    const meta = t.keys[base]!;
    const serverIsA = t.clientIsA[id] === 0;
    const ports = t.keys[base + 9]!;
    const port = serverIsA ? ports >>> 16 : ports & 0xffff;
    const from = base + (serverIsA ? 1 : 5);
    const k = this.probe;
    for (let i = 0; i < 4; i++) k[i] = t.keys[from + i]!;
    // transport and IP version (not the VLAN and tunnel bits: one server behind either is one endpoint)
    k[4] = (port << 16) | (meta & 0xffff) | (dir << 15);
    let h = 0x811c9dc5;
    for (let i = 0; i < KEY_WORDS_PER_ENDPOINT; i++) h = Math.imul(h ^ k[i]!, 0x01000193);
    h ^= h >>> 15;
    return (h & this.bucketMask) * WAYS;
  }

  private find(first: number): number {
    const k = this.probe;
    for (let e = first; e < first + WAYS; e++) {
      if (this.observed[e] === 0) continue;
      const at = e * KEY_WORDS_PER_ENDPOINT;
      if (this.keys[at] === k[0] && this.keys[at + 1] === k[1] && this.keys[at + 2] === k[2] && this.keys[at + 3] === k[3] && this.keys[at + 4] === k[4]) return e;
    }
    return -1;
  }

  /**
   * Counts one payload of flow `id` in direction `dir` (0: to the server, 1: from it), bytes
   * buf[off, off+len); fewer than 12 are padded with zeros. Each direction of an endpoint has a
   * signature of its own: what clients send, and what the server answers.
   */
  observe(t: FlowRecordArrays, id: number, dir: 0 | 1, buf: Uint8Array, off: number, len: number): void {
    const first = this.serverKey(t, id, dir);
    let e = this.find(first);
    if (e < 0) {
      e = first;
      for (let c = first; c < first + WAYS; c++) {
        if (this.observed[c] === 0) {
          e = c;
          break;
        }
        if (this.touched[c]! < this.touched[e]!) e = c;
      }
      if (this.observed[e] !== 0) this.evictions++;
      this.keys.set(this.probe, e * KEY_WORDS_PER_ENDPOINT);
      this.counts.fill(0, e * CELLS, (e + 1) * CELLS);
    }
    this.touched[e] = ++this.tick;
    const counts = this.counts;
    const at = e * CELLS;
    if (this.observed[e] === KISS_WINDOW) {
      for (let i = at; i < at + CELLS; i++) counts[i] = counts[i]! >>> 1;
      this.observed[e] = KISS_WINDOW / 2;
    }
    this.observed[e]!++;
    const n = len < KISS_BYTES ? len : KISS_BYTES;
    for (let b = 0; b < KISS_BYTES; b++) {
      const byte = b < n ? buf[off + b]! : 0;
      counts[at + 2 * b * VALUES + (byte >>> 4)]!++;
      counts[at + (2 * b + 1) * VALUES + (byte & 15)]!++;
    }
  }

  /**
   * Writes flow `id`'s server endpoint signature (direction `dir`) into out[at, at+24): each group's chi-square
   * divided by the observations (0 for uniform bytes, 15 for a constant), or -1 in all 24 when
   * the endpoint has fewer than KISS_MIN_OBSERVATIONS (or was evicted). Returns the observations.
   */
  signature(t: FlowRecordArrays, id: number, dir: 0 | 1, out: Float64Array, at: number): number {
    const e = this.find(this.serverKey(t, id, dir));
    const n = e < 0 ? 0 : this.observed[e]!;
    if (n < KISS_MIN_OBSERVATIONS) {
      out.fill(-1, at, at + KISS_GROUPS);
      return n;
    }
    // after halving, the counts sum to n only up to rounding: use each group's own total
    for (let g = 0; g < KISS_GROUPS; g++) {
      const from = e * CELLS + g * VALUES;
      let total = 0;
      for (let v = 0; v < VALUES; v++) total += this.counts[from + v]!;
      out[at + g] = total === 0 ? -1 : chiSquare(this.counts, from, total) / total;
    }
    return n;
  }
}
