// Merges several streams of keyed items, each already in key order, into one in key order, as far
// as every stream has told how far it has come (its watermark). The workers' flows and what their
// flows taught (engine/sharded.ts) are put back into the order one engine would have seen them in.

export class OrderedMerge<T> {
  private readonly keys: number[][] = [];
  private readonly items: T[][] = [];
  private readonly heads: number[] = [];
  /** per stream: every item with a smaller key has been pushed */
  private readonly watermarks: number[] = [];

  constructor(readonly streams: number) {
    for (let s = 0; s < streams; s++) {
      this.keys.push([]);
      this.items.push([]);
      this.heads.push(0);
      this.watermarks.push(Number.NEGATIVE_INFINITY);
    }
  }

  /** Adds an item to a stream; keys must not decrease within a stream. */
  push(stream: number, key: number, item: T): void {
    const keys = this.keys[stream]!;
    if (keys.length > this.heads[stream]! && key < keys[keys.length - 1]!) throw new Error(`OrderedMerge: key ${key} after ${keys[keys.length - 1]} in stream ${stream}`);
    keys.push(key);
    this.items[stream]!.push(item);
  }

  /** Stream `stream` will push no item with a key below `key`. */
  advance(stream: number, key: number): void {
    if (key > this.watermarks[stream]!) this.watermarks[stream] = key;
  }

  /** items pushed and not yet emitted */
  get waiting(): number {
    let n = 0;
    for (let s = 0; s < this.streams; s++) n += this.keys[s]!.length - this.heads[s]!;
    return n;
  }

  /**
   * Emits, in key order, every item whose key is below every stream's watermark (equal keys: the
   * lower stream first, then the order pushed).
   */
  drain(emit: (item: T) => void): void {
    let limit = Number.POSITIVE_INFINITY;
    for (let s = 0; s < this.streams; s++) limit = Math.min(limit, this.watermarks[s]!);
    this.emitBelow(limit, emit);
  }

  /**
   * Emits every item, in key order, whatever the watermarks: when every stream has ended. (After an
   * interrupted capture the workers stopped at different records, so their watermarks disagree.)
   */
  drainAll(emit: (item: T) => void): void {
    this.emitBelow(Number.POSITIVE_INFINITY, emit);
  }

  private emitBelow(limit: number, emit: (item: T) => void): void {
    for (;;) {
      let best = -1;
      let bestKey = limit;
      for (let s = 0; s < this.streams; s++) {
        const h = this.heads[s]!;
        const keys = this.keys[s]!;
        if (h < keys.length && keys[h]! < bestKey) {
          best = s;
          bestKey = keys[h]!;
        }
      }
      if (best < 0) break;
      const h = this.heads[best]!;
      const item = this.items[best]![h]!;
      this.heads[best] = h + 1;
      emit(item);
    }
    for (let s = 0; s < this.streams; s++) this.compact(s);
  }

  /** Drops emitted items once they are many (the arrays would otherwise keep every item of a run). */
  private compact(s: number): void {
    const h = this.heads[s]!;
    if (h < 1024 && h < this.keys[s]!.length) return;
    this.keys[s]!.splice(0, h);
    this.items[s]!.splice(0, h);
    this.heads[s] = 0;
  }
}
