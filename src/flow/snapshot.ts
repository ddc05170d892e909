import { KEY_WORDS } from './key.js';
import { EARLY_PACKETS, HISTORY_MAX, type FlowRecordArrays } from './table.js';

// Copies of ended flows' record arrays, side by side, so that their records can be built on
// another thread (the store's) from plain typed arrays: copying a flow costs a few hundred
// element moves, while building its record costs a call per field and a string per address.

type RecordArray = FlowRecordArrays[keyof FlowRecordArrays];

function copy(to: RecordArray, from: RecordArray, at: number, id: number, per: number): void {
  const a = at * per;
  const b = id * per;
  for (let i = 0; i < per; i++) to[a + i] = from[b + i]!;
}

/** Ended flows' record arrays (`arrays`); flow i of the snapshot is id i for the field getters. */
export class FlowSnapshot {
  count = 0;
  readonly arrays: FlowRecordArrays;

  constructor(readonly capacity: number) {
    const f64 = (per: number): Float64Array => new Float64Array(capacity * per);
    const u32 = (per: number): Uint32Array => new Uint32Array(capacity * per);
    const u8 = (per: number): Uint8Array => new Uint8Array(capacity * per);
    this.arrays = {
      keys: u32(KEY_WORDS), clientIsA: u8(1), tunnel: u8(1), anomalyBits: u32(2), firstSeen: f64(1), lastSeen: f64(1),
      packets: f64(2), bytes: f64(2), payloadBytes: f64(2), fragments: f64(2), fragmentBytes: f64(2), dirFirst: f64(2), dirLast: f64(2),
      tcpFlags: u8(2), tcpEvents: u8(2), lenMin: f64(2), lenMax: f64(2), lenSum: f64(2), lenSumSq: f64(2),
      iatMin: f64(2), iatMax: f64(2), iatSum: f64(2), iatSumSq: f64(2),
      earlyCount: u8(1), earlySize: u32(EARLY_PACKETS), earlyDir: u8(EARLY_PACKETS), earlyIat: f64(EARLY_PACKETS),
      historyLen: u8(1), history: u8(HISTORY_MAX),
    };
  }

  /** Copies flow `id` of a table in; returns its index here, or -1 when the snapshot is full. */
  add(t: FlowRecordArrays, id: number): number {
    if (this.count === this.capacity) return -1;
    const at = this.count++;
    const a = this.arrays;
    // one line per array, named: a loop over names would make every load megamorphic
    copy(a.keys, t.keys, at, id, KEY_WORDS);
    copy(a.clientIsA, t.clientIsA, at, id, 1);
    copy(a.tunnel, t.tunnel, at, id, 1);
    copy(a.anomalyBits, t.anomalyBits, at, id, 2);
    copy(a.firstSeen, t.firstSeen, at, id, 1);
    copy(a.lastSeen, t.lastSeen, at, id, 1);
    copy(a.packets, t.packets, at, id, 2);
    copy(a.bytes, t.bytes, at, id, 2);
    copy(a.payloadBytes, t.payloadBytes, at, id, 2);
    copy(a.fragments, t.fragments, at, id, 2);
    copy(a.fragmentBytes, t.fragmentBytes, at, id, 2);
    copy(a.dirFirst, t.dirFirst, at, id, 2);
    copy(a.dirLast, t.dirLast, at, id, 2);
    copy(a.tcpFlags, t.tcpFlags, at, id, 2);
    copy(a.tcpEvents, t.tcpEvents, at, id, 2);
    copy(a.lenMin, t.lenMin, at, id, 2);
    copy(a.lenMax, t.lenMax, at, id, 2);
    copy(a.lenSum, t.lenSum, at, id, 2);
    copy(a.lenSumSq, t.lenSumSq, at, id, 2);
    copy(a.iatMin, t.iatMin, at, id, 2);
    copy(a.iatMax, t.iatMax, at, id, 2);
    copy(a.iatSum, t.iatSum, at, id, 2);
    copy(a.iatSumSq, t.iatSumSq, at, id, 2);
    copy(a.earlyCount, t.earlyCount, at, id, 1);
    copy(a.earlySize, t.earlySize, at, id, EARLY_PACKETS);
    copy(a.earlyDir, t.earlyDir, at, id, EARLY_PACKETS);
    copy(a.earlyIat, t.earlyIat, at, id, EARLY_PACKETS);
    copy(a.historyLen, t.historyLen, at, id, 1);
    copy(a.history, t.history, at, id, HISTORY_MAX);
    return at;
  }

  /** the buffers to move with postMessage */
  buffers(): ArrayBuffer[] {
    return Object.values(this.arrays).map((a: RecordArray) => a.buffer as ArrayBuffer);
  }
}
