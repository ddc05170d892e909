import { KEY_WORDS } from './key.js';
import { copyEarlyWide, EARLY_PACKETS, HISTORY_MAX, type FlowRecordArrays } from './table.js';

// Copies of ended flows' record arrays, side by side, so that their records can be built on
// another thread (the store's) from plain typed arrays: copying a flow costs a few hundred
// element moves, while building its record costs a call per field and a string per address.

type RecordArray = FlowRecordArrays[keyof FlowRecordArrays];

/** Ended flows' record arrays (`arrays`); flow i of the snapshot is id i for the field getters. */
export class FlowSnapshot {
  count = 0;
  readonly arrays: FlowRecordArrays;

  constructor(readonly capacity: number) {
    const f64 = (per: number): Float64Array => new Float64Array(capacity * per);
    const u32 = (per: number): Uint32Array => new Uint32Array(capacity * per);
    const u8 = (per: number): Uint8Array => new Uint8Array(capacity * per);
    const i32 = (per: number): Int32Array => new Int32Array(capacity * per);
    const u16 = (per: number): Uint16Array => new Uint16Array(capacity * per);
    this.arrays = {
      keys: u32(KEY_WORDS), clientIsA: u8(1), tunnel: u8(1), anomalyBits: u32(2), firstSeen: f64(1), lastSeen: f64(1),
      packets: f64(2), bytes: f64(2), payloadBytes: f64(2), fragments: f64(2), fragmentBytes: f64(2), dirFirst: f64(2), dirLast: f64(2),
      tcpFlags: u8(2), tcpEvents: u8(2), lenMin: u32(2), lenMax: u32(2), lenSum: f64(2), lenSumSq: f64(2),
      iatMin: f64(2), iatMax: f64(2), iatSum: f64(2), iatSumSq: f64(2),
      earlyCount: u8(1), earlySize: u16(EARLY_PACKETS), earlyDir: u8(EARLY_PACKETS), earlyIat: i32(EARLY_PACKETS), earlyWide: new Map(),
      historyLen: u8(1), history: u8(HISTORY_MAX),
    };
  }

  /** Copies flow `id` of a table in; returns its index here, or -1 when the snapshot is full. */
  add(t: FlowRecordArrays, id: number): number {
    if (this.count === this.capacity) return -1;
    const at = this.count++;
    const a = this.arrays;
    // one loop per array, written out: calls to a shared copier are not inlined (29 call sites)
    // and a loop over names would make every load megamorphic
    for (let i = 0, to = at * KEY_WORDS, from = id * KEY_WORDS; i < KEY_WORDS; i++) a.keys[to + i] = t.keys[from + i]!;
    a.clientIsA[at] = t.clientIsA[id]!;
    a.tunnel[at] = t.tunnel[id]!;
    a.anomalyBits[2 * at] = t.anomalyBits[2 * id]!;
    a.anomalyBits[2 * at + 1] = t.anomalyBits[2 * id + 1]!;
    a.firstSeen[at] = t.firstSeen[id]!;
    a.lastSeen[at] = t.lastSeen[id]!;
    a.packets[2 * at] = t.packets[2 * id]!;
    a.packets[2 * at + 1] = t.packets[2 * id + 1]!;
    a.bytes[2 * at] = t.bytes[2 * id]!;
    a.bytes[2 * at + 1] = t.bytes[2 * id + 1]!;
    a.payloadBytes[2 * at] = t.payloadBytes[2 * id]!;
    a.payloadBytes[2 * at + 1] = t.payloadBytes[2 * id + 1]!;
    a.fragments[2 * at] = t.fragments[2 * id]!;
    a.fragments[2 * at + 1] = t.fragments[2 * id + 1]!;
    a.fragmentBytes[2 * at] = t.fragmentBytes[2 * id]!;
    a.fragmentBytes[2 * at + 1] = t.fragmentBytes[2 * id + 1]!;
    a.dirFirst[2 * at] = t.dirFirst[2 * id]!;
    a.dirFirst[2 * at + 1] = t.dirFirst[2 * id + 1]!;
    a.dirLast[2 * at] = t.dirLast[2 * id]!;
    a.dirLast[2 * at + 1] = t.dirLast[2 * id + 1]!;
    a.tcpFlags[2 * at] = t.tcpFlags[2 * id]!;
    a.tcpFlags[2 * at + 1] = t.tcpFlags[2 * id + 1]!;
    a.tcpEvents[2 * at] = t.tcpEvents[2 * id]!;
    a.tcpEvents[2 * at + 1] = t.tcpEvents[2 * id + 1]!;
    a.lenMin[2 * at] = t.lenMin[2 * id]!;
    a.lenMin[2 * at + 1] = t.lenMin[2 * id + 1]!;
    a.lenMax[2 * at] = t.lenMax[2 * id]!;
    a.lenMax[2 * at + 1] = t.lenMax[2 * id + 1]!;
    a.lenSum[2 * at] = t.lenSum[2 * id]!;
    a.lenSum[2 * at + 1] = t.lenSum[2 * id + 1]!;
    a.lenSumSq[2 * at] = t.lenSumSq[2 * id]!;
    a.lenSumSq[2 * at + 1] = t.lenSumSq[2 * id + 1]!;
    a.iatMin[2 * at] = t.iatMin[2 * id]!;
    a.iatMin[2 * at + 1] = t.iatMin[2 * id + 1]!;
    a.iatMax[2 * at] = t.iatMax[2 * id]!;
    a.iatMax[2 * at + 1] = t.iatMax[2 * id + 1]!;
    a.iatSum[2 * at] = t.iatSum[2 * id]!;
    a.iatSum[2 * at + 1] = t.iatSum[2 * id + 1]!;
    a.iatSumSq[2 * at] = t.iatSumSq[2 * id]!;
    a.iatSumSq[2 * at + 1] = t.iatSumSq[2 * id + 1]!;
    a.earlyCount[at] = t.earlyCount[id]!;
    for (let i = 0, to = at * EARLY_PACKETS, from = id * EARLY_PACKETS; i < EARLY_PACKETS; i++) a.earlySize[to + i] = t.earlySize[from + i]!;
    for (let i = 0, to = at * EARLY_PACKETS, from = id * EARLY_PACKETS; i < EARLY_PACKETS; i++) a.earlyDir[to + i] = t.earlyDir[from + i]!;
    for (let i = 0, to = at * EARLY_PACKETS, from = id * EARLY_PACKETS; i < EARLY_PACKETS; i++) a.earlyIat[to + i] = t.earlyIat[from + i]!;
    copyEarlyWide(a, at, t, id);
    a.historyLen[at] = t.historyLen[id]!;
    for (let i = 0, to = at * HISTORY_MAX, from = id * HISTORY_MAX; i < HISTORY_MAX; i++) a.history[to + i] = t.history[from + i]!;
    return at;
  }

  /** the buffers to move with postMessage */
  buffers(): ArrayBuffer[] {
    return Object.values(this.arrays).flatMap((a: RecordArray) => (a instanceof Map ? [] : [a.buffer as ArrayBuffer]));
  }
}
