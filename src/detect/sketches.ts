// Fixed-memory summaries for per-window traffic statistics: a Count-Min sketch (how many packets
// a key sent or received, over-estimated, never under) and HyperLogLog registers (how many
// distinct sources, destinations or ports), both over 32-bit key hashes. Nothing here allocates
// after construction.

/** A 32-bit finaliser (murmur3's fmix32): spreads the bits of a key, so buckets fill evenly. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The hash of an address held as words (IPv4: one word; IPv6: four), with the IP version mixed in. */
export function addressHash(version: number, words: Uint32Array, offset: number): number {
  if (version === 4) return mix32(words[offset]! ^ 0x9e3779b9);
  let h = 0x7f4a7c15;
  for (let i = 0; i < 4; i++) h = mix32(h ^ words[offset + i]!) + 0x165667b1;
  return mix32(h);
}

export class CountMinSketch {
  private readonly counts: Uint32Array;
  private readonly mask: number;
  /** the counters added to since the last clear, while they are few: a window of a few packets clears only those */
  private readonly touched: Uint32Array;
  private touchedCount = 0;

  /** `width` rounded up to a power of two; `depth` rows, each with its own hash of the key */
  constructor(width: number, private readonly depth = 3) {
    let w = 1;
    while (w < width) w <<= 1;
    this.mask = w - 1;
    this.counts = new Uint32Array(w * depth);
    this.touched = new Uint32Array(w >>> 3);
  }

  /** Adds `n` to the key and returns its new estimate (the least of its counters). */
  add(hash: number, n = 1): number {
    let least = 0xffffffff;
    const width = this.mask + 1;
    // row i's bucket is h1 + i·h2 (Kirsch and Mitzenmacher 2006): one extra mix for every row
    const h2 = mix32(hash ^ 0x9e3779b9) | 1;
    for (let row = 0; row < this.depth; row++) {
      const i = row * width + ((hash + Math.imul(row, h2)) & this.mask);
      const c = this.counts[i]! + n;
      if (c === n && this.touchedCount <= this.touched.length) {
        if (this.touchedCount < this.touched.length) this.touched[this.touchedCount] = i;
        this.touchedCount++;
      }
      this.counts[i] = c;
      if (c < least) least = c;
    }
    return least;
  }

  estimate(hash: number): number {
    let least = 0xffffffff;
    const width = this.mask + 1;
    const h2 = mix32(hash ^ 0x9e3779b9) | 1;
    for (let row = 0; row < this.depth; row++) {
      const c = this.counts[row * width + ((hash + Math.imul(row, h2)) & this.mask)]!;
      if (c < least) least = c;
    }
    return least;
  }

  clear(): void {
    if (this.touchedCount > this.touched.length) this.counts.fill(0);
    else for (let k = 0; k < this.touchedCount; k++) this.counts[this.touched[k]!] = 0;
    this.touchedCount = 0;
  }

  get bytes(): number {
    return this.counts.byteLength + this.touched.byteLength;
  }
}

/**
 * HyperLogLog (Flajolet et al. 2007) over `registers` one-byte registers at `offset` in a shared
 * array, so a table of many estimators is one allocation. 2^p registers: standard error 1.04/√m
 * (m = 64: 13%; m = 128: 9%), with the small-range correction (linear counting) that keeps small
 * counts close to exact.
 */
export const hll = {
  add(registers: Uint8Array, offset: number, p: number, hash: number): void {
    const index = hash >>> (32 - p);
    // rank of the first 1 bit in the remaining 32 - p bits (1-based), capped when they are all 0
    const rest = (hash << p) >>> 0;
    const rank = rest === 0 ? 33 - p : Math.clz32(rest) + 1;
    const at = offset + index;
    if (rank > registers[at]!) registers[at] = rank;
  },

  estimate(registers: Uint8Array, offset: number, p: number): number {
    const m = 1 << p;
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < m; i++) {
      const r = registers[offset + i]!;
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const alpha = m === 16 ? 0.673 : m === 32 ? 0.697 : m === 64 ? 0.709 : 0.7213 / (1 + 1.079 / m);
    const raw = (alpha * m * m) / sum;
    if (raw <= 2.5 * m && zeros > 0) return m * Math.log(m / zeros);
    return raw;
  },

  /** registers of `from` into `into` (the union of the two sets) */
  merge(into: Uint8Array, intoOffset: number, from: Uint8Array, fromOffset: number, p: number): void {
    const m = 1 << p;
    for (let i = 0; i < m; i++) {
      const r = from[fromOffset + i]!;
      if (r > into[intoOffset + i]!) into[intoOffset + i] = r;
    }
  },
};
