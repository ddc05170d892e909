import { formatAddress } from '../flow/address.js';
import { addressHash } from './sketches.js';

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
  private readonly bySlotHash = new Map<number, number>();
  private lightest = -1;
  /** the lightest entry's weight when it was found: once it has grown, look again */
  private lightestWeight = 0;
  private readonly registerBytes: number;

  constructor(capacity: number, readonly columns: number, readonly sketchCount: number, readonly p: number) {
    this.capacity = capacity;
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
  }

  /** the slot of an address already in the table, or -1 */
  find(hash: number, version: number, words: Uint32Array, offset: number): number {
    const slot = this.bySlotHash.get(hash);
    if (slot === undefined || !this.holds(slot, version, words, offset)) return -1;
    return slot;
  }

  /**
   * The slot of the address, given a slot if its sketch count `estimate` says it is heavy enough:
   * a free slot, or the lightest entry's when the table is full. -1 when it is not (yet).
   */
  admit(hash: number, version: number, words: Uint32Array, offset: number, estimate: number, ts: number): number {
    const slot = this.find(hash, version, words, offset);
    if (slot >= 0) return slot;
    // two addresses with one hash: the second is not tracked this window
    if (this.bySlotHash.has(hash)) return -1;
    let s: number;
    if (this.size < this.capacity) {
      s = this.size++;
    } else {
      if (this.lightest < 0 || this.counters[this.lightest * this.columns] !== this.lightestWeight) {
        this.lightest = this.findLightest();
        this.lightestWeight = this.counters[this.lightest * this.columns]!;
      }
      const weight = this.lightestWeight;
      if (estimate <= weight) return -1;
      s = this.lightest;
      this.lightest = -1;
      this.bySlotHash.delete(this.hashes[s]!);
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

  /** a new window: every slot free */
  clear(): void {
    for (let s = 0; s < this.size; s++) {
      this.counters.fill(0, s * this.columns, (s + 1) * this.columns);
      this.registers.fill(0, s * this.registerBytes, (s + 1) * this.registerBytes);
      this.peerCounts.fill(0, s * TOP_PEERS, (s + 1) * TOP_PEERS);
    }
    this.size = 0;
    this.lightest = -1;
    this.bySlotHash.clear();
  }

  /** bytes the table holds, whatever its contents */
  get bytes(): number {
    return this.version.byteLength + this.words.byteLength + this.hashes.byteLength + this.counters.byteLength + this.registers.byteLength +
      this.firstTs.byteLength + this.lastTs.byteLength + this.peerVersion.byteLength + this.peerWords.byteLength + this.peerCounts.byteLength;
  }

  private claim(s: number, hash: number, version: number, words: Uint32Array, offset: number, ts: number): void {
    const c = this.columns;
    // space-saving: the newcomer inherits the evicted weight, so its count errs high, never low
    const inherited = this.counters[s * c]!;
    this.counters.fill(0, s * c, (s + 1) * c);
    this.counters[s * c] = inherited;
    this.registers.fill(0, s * this.registerBytes, (s + 1) * this.registerBytes);
    this.peerCounts.fill(0, s * TOP_PEERS, (s + 1) * TOP_PEERS);
    this.version[s] = version;
    const n = version === 4 ? 1 : 4;
    for (let k = 0; k < 4; k++) this.words[s * 4 + k] = k < n ? words[offset + k]! : 0;
    this.hashes[s] = hash;
    this.firstTs[s] = ts;
    this.lastTs[s] = ts;
    this.bySlotHash.set(hash, s);
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
