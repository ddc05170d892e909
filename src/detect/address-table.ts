import { formatAddress } from '../flow/address.js';
import { addressHash, CountMinSketch } from './sketches.js';

// The heavy hitters of one time window: a fixed number of addresses (destinations, or sources),
// each with counter columns, HyperLogLog registers and a few of the peers that sent it the most.
// Which addresses get a slot follows space-saving (Metwally et al. 2005) behind a Count-Min
// filter: a new address enters once its sketch count passes the table's lightest entry, taking
// that entry's slot. So the table always holds the heaviest addresses of the window, in memory
// fixed at construction.

export const TOP_PEERS = 4;

export class AddressTable {
  readonly capacity: number;
  /** slots in use */
  size = 0;
  readonly version: Uint8Array;
  /** four words per slot (IPv4 uses the first) */
  readonly words: Uint32Array;
  readonly hashes: Uint32Array;
  /** `columns` counters per slot; column 0 is the weight that decides who stays (packets) */
  readonly counters: Float64Array;
  /** `sketchCount` HyperLogLog estimators of 2^p registers per slot */
  readonly registers: Uint8Array;
  /** capture time (µs) of each slot's first and last packet in the window */
  readonly firstTs: Float64Array;
  readonly lastTs: Float64Array;
  /** the peers with most packets (space-saving of TOP_PEERS per slot) */
  readonly peerVersion: Uint8Array;
  readonly peerWords: Uint32Array;
  readonly peerCounts: Uint32Array;
  // hash → slot: open addressing with linear probing, at most half full
  private readonly bucketSlot: Int32Array;
  private readonly bucketHash: Uint32Array;
  private readonly bucketMask: number;
  /** buckets filled since the last clear, while they are few; beyond, the clear empties them all */
  private readonly usedBuckets: Uint32Array;
  private usedCount = 0;
  /** counts of the addresses asked for, read to admit a newcomer to a full table */
  private readonly sketch: CountMinSketch;
  /** the sketch holds the window's counts (the table filled up, or two addresses shared a hash) */
  private sketched = false;
  private filledBuckets = 0;
  private lightest = -1;
  /** the lightest entry's weight when it was found: once it has grown, look again */
  private lightestWeight = 0;
  private readonly registerBytes: number;

  constructor(capacity: number, readonly columns: number, readonly sketchCount: number, readonly p: number, sketchWidth = 4096) {
    this.capacity = capacity;
    this.sketch = new CountMinSketch(sketchWidth);
    this.version = new Uint8Array(capacity);
    this.words = new Uint32Array(capacity * 4);
    this.hashes = new Uint32Array(capacity);
    this.counters = new Float64Array(capacity * columns);
    this.registerBytes = sketchCount << p;
    this.registers = new Uint8Array(capacity * this.registerBytes);
    this.firstTs = new Float64Array(capacity);
    this.lastTs = new Float64Array(capacity);
    this.peerVersion = new Uint8Array(capacity * TOP_PEERS);
    this.peerWords = new Uint32Array(capacity * TOP_PEERS * 4);
    this.peerCounts = new Uint32Array(capacity * TOP_PEERS);
    let buckets = 4;
    while (buckets < capacity * 2) buckets <<= 1;
    this.bucketSlot = new Int32Array(buckets).fill(-1);
    this.bucketHash = new Uint32Array(buckets);
    this.bucketMask = buckets - 1;
    this.usedBuckets = new Uint32Array(buckets >>> 1);
  }

  /** the slot whose occupant has this hash, or -1 */
  private slotOfHash(hash: number): number {
    const mask = this.bucketMask;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = this.bucketSlot[i]!;
      if (slot < 0) return -1;
      // an entry left by an evicted occupant stays in the chain until the window's clear
      if (this.bucketHash[i] === hash && this.hashes[slot] === hash && slot < this.size) return slot;
    }
  }

  private index(hash: number, slot: number): void {
    if (this.filledBuckets >= (this.bucketMask + 1) * 0.75) this.reindex();
    const mask = this.bucketMask;
    let i = hash & mask;
    // reuse an entry whose slot has another occupant now
    while (this.bucketSlot[i]! >= 0 && this.hashes[this.bucketSlot[i]!] === this.bucketHash[i]) i = (i + 1) & mask;
    if (this.bucketSlot[i]! < 0) {
      this.filledBuckets++;
      if (this.usedCount < this.usedBuckets.length) this.usedBuckets[this.usedCount] = i;
      this.usedCount++;
    }
    this.bucketSlot[i] = slot;
    this.bucketHash[i] = hash;
  }

  /** the slot of an address already in the table, or -1 */
  find(hash: number, version: number, words: Uint32Array, offset: number): number {
    const slot = this.slotOfHash(hash);
    if (slot < 0 || !this.holds(slot, version, words, offset)) return -1;
    return slot;
  }

  /**
   * The slot of the address: a free slot, or, once the table is full, the lightest entry's if the
   * address's Count-Min count says it is heavier. -1 when it is not (yet).
   *
   * The sketch counts every address the table is asked to admit, but is only read once the table
   * is full: until then each address holds a slot whose weight (column 0, which the caller adds
   * one to per admitted packet) is its exact count, so the sketch is filled from the slots at that
   * moment, the same counters as adding every packet as it came, without the cost per packet.
   */
  admit(hash: number, version: number, words: Uint32Array, offset: number, ts: number): number {
    const slot = this.slotOfHash(hash);
    if (slot >= 0) {
      const held = this.holds(slot, version, words, offset);
      // two addresses with one hash: the second is not tracked this window, but counted
      if (!held && !this.sketched) this.fillSketch();
      if (this.sketched) this.sketch.add(hash);
      return held ? slot : -1;
    }
    let s: number;
    if (this.size < this.capacity) {
      if (this.sketched) this.sketch.add(hash);
      // a slot not used since the last clear: already zero
      s = this.size++;
      this.occupy(s, hash, version, words, offset, ts);
      return s;
    } else {
      if (!this.sketched) this.fillSketch();
      const estimate = this.sketch.add(hash);
      if (this.lightest < 0 || this.counters[this.lightest * this.columns] !== this.lightestWeight) {
        this.lightest = this.findLightest();
        this.lightestWeight = this.counters[this.lightest * this.columns]!;
      }
      const weight = this.lightestWeight;
      if (estimate <= weight) return -1;
      s = this.lightest;
      this.lightest = -1;
    }
    this.claim(s, hash, version, words, offset, ts);
    return s;
  }

  /** counts one packet of `peer` for the slot (the peers that weigh most stay) */
  addPeer(slot: number, version: number, words: Uint32Array, offset: number): void {
    const base = slot * TOP_PEERS;
    let least = base;
    for (let i = base; i < base + TOP_PEERS; i++) {
      const c = this.peerCounts[i]!;
      if (c === 0) {
        least = i;
        break;
      }
      if (this.peerMatches(i, version, words, offset)) {
        this.peerCounts[i] = c + 1;
        return;
      }
      if (c < this.peerCounts[least]!) least = i;
    }
    this.peerVersion[least] = version;
    const w = least * 4;
    const n = version === 4 ? 1 : 4;
    for (let k = 0; k < 4; k++) this.peerWords[w + k] = k < n ? words[offset + k]! : 0;
    this.peerCounts[least] = this.peerCounts[least]! + 1;
  }

  /** the slot's peers, most packets first, as text (built when an alert is written) */
  peers(slot: number): string[] {
    const order: number[] = [];
    for (let i = slot * TOP_PEERS; i < (slot + 1) * TOP_PEERS; i++) if (this.peerCounts[i]! > 0) order.push(i);
    order.sort((a, b) => this.peerCounts[b]! - this.peerCounts[a]!);
    return order.map((i) => formatAddress(this.peerVersion[i]!, this.peerWords, i * 4));
  }

  address(slot: number): string {
    return formatAddress(this.version[slot]!, this.words, slot * 4);
  }

  registerOffset(slot: number, sketch: number): number {
    return slot * this.registerBytes + (sketch << this.p);
  }

  private fillSketch(): void {
    for (let s = 0; s < this.size; s++) this.sketch.add(this.hashes[s]!, this.counters[s * this.columns]!);
    this.sketched = true;
  }

  /** buckets filled by entries of evicted occupants: index the occupants afresh */
  private reindex(): void {
    this.bucketSlot.fill(-1);
    this.filledBuckets = 0;
    // the buckets are no longer those listed: the next clear empties them all
    this.usedCount = this.usedBuckets.length + 1;
    const mask = this.bucketMask;
    for (let s = 0; s < this.size; s++) {
      const hash = this.hashes[s]!;
      let i = hash & mask;
      while (this.bucketSlot[i]! >= 0) i = (i + 1) & mask;
      this.bucketSlot[i] = s;
      this.bucketHash[i] = hash;
      this.filledBuckets++;
    }
  }

  /** a new window: every slot free */
  clear(): void {
    if (this.sketched) this.sketch.clear();
    this.sketched = false;
    if (this.size === 0) return;
    // slots in use are 0 … size − 1
    this.counters.fill(0, 0, this.size * this.columns);
    this.registers.fill(0, 0, this.size * this.registerBytes);
    this.peerCounts.fill(0, 0, this.size * TOP_PEERS);
    this.size = 0;
    this.lightest = -1;
    if (this.usedCount > this.usedBuckets.length) this.bucketSlot.fill(-1);
    else for (let k = 0; k < this.usedCount; k++) this.bucketSlot[this.usedBuckets[k]!] = -1;
    this.usedCount = 0;
    this.filledBuckets = 0;
  }

  /** bytes the table holds, whatever its contents */
  get bytes(): number {
    return this.sketch.bytes + this.bucketSlot.byteLength + this.bucketHash.byteLength + this.usedBuckets.byteLength + this.version.byteLength + this.words.byteLength + this.hashes.byteLength + this.counters.byteLength + this.registers.byteLength +
      this.firstTs.byteLength + this.lastTs.byteLength + this.peerVersion.byteLength + this.peerWords.byteLength + this.peerCounts.byteLength;
  }

  /** an evicted entry's slot for a newcomer */
  private claim(s: number, hash: number, version: number, words: Uint32Array, offset: number, ts: number): void {
    const c = this.columns;
    // space-saving: the newcomer inherits the evicted weight, so its count errs high, never low
    const inherited = this.counters[s * c]!;
    this.counters.fill(0, s * c, (s + 1) * c);
    this.counters[s * c] = inherited;
    this.registers.fill(0, s * this.registerBytes, (s + 1) * this.registerBytes);
    this.peerCounts.fill(0, s * TOP_PEERS, (s + 1) * TOP_PEERS);
    this.occupy(s, hash, version, words, offset, ts);
  }

  private occupy(s: number, hash: number, version: number, words: Uint32Array, offset: number, ts: number): void {
    this.version[s] = version;
    const n = version === 4 ? 1 : 4;
    for (let k = 0; k < 4; k++) this.words[s * 4 + k] = k < n ? words[offset + k]! : 0;
    this.hashes[s] = hash;
    this.firstTs[s] = ts;
    this.lastTs[s] = ts;
    this.index(hash, s);
  }

  private findLightest(): number {
    const c = this.columns;
    let best = 0;
    for (let s = 1; s < this.size; s++) if (this.counters[s * c]! < this.counters[best * c]!) best = s;
    return best;
  }

  private holds(slot: number, version: number, words: Uint32Array, offset: number): boolean {
    if (this.version[slot] !== version) return false;
    const w = slot * 4;
    if (this.words[w] !== words[offset]) return false;
    return version === 4 || (this.words[w + 1] === words[offset + 1] && this.words[w + 2] === words[offset + 2] && this.words[w + 3] === words[offset + 3]);
  }

  private peerMatches(i: number, version: number, words: Uint32Array, offset: number): boolean {
    if (this.peerVersion[i] !== version) return false;
    const w = i * 4;
    if (this.peerWords[w] !== words[offset]) return false;
    return version === 4 || (this.peerWords[w + 1] === words[offset + 1] && this.peerWords[w + 2] === words[offset + 2] && this.peerWords[w + 3] === words[offset + 3]);
  }
}

export { addressHash };
