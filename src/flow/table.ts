import { type DecodedPacket } from '../decode/packet.js';
import { KEY_WORDS, type FlowKeyBuilder } from './key.js';
import { TcpEvent, tcpEventsOf, historyLetter } from './tcp-state.js';

// Bidirectional flows in struct-of-arrays typed storage: a flow is a numeric id indexing every
// array; per-direction arrays are indexed id*2+dir with dir 0 = client→server, 1 = server→client.
// An open-addressing hash index (linear probing, backward-shift deletion) maps keys to ids.
// Two intrusive lists give O(1) timeouts: `lru` ordered by last packet (idle timeout) and
// `age` ordered by start (active timeout).

export const EARLY_PACKETS = 16;
export const HISTORY_MAX = 16;
const NONE = -1;
/** in earlySize: a payload too long for 16 bits (jumbograms, offloaded captures); see earlyWide */
const EARLY_SIZE_WIDE = 0xffff;
/** in earlyIat: a gap too long for 32 bits (first packets 35 minutes apart); see earlyWide */
const EARLY_IAT_WIDE = -0x80000000;
/** earlyWide's key of an early value: its index in the early arrays, and which array */
const wideKey = (index: number, ofIat: boolean): number => index * 2 + (ofIat ? 1 : 0);

/** early packet `index`'s payload bytes (flow id × EARLY_PACKETS + n) */
export function earlySizeAt(t: FlowRecordArrays, index: number): number {
  const size = t.earlySize[index]!;
  return size === EARLY_SIZE_WIDE ? t.earlyWide.get(wideKey(index, false))! : size;
}

/** in the first early packet's gap (always 0 otherwise): the gaps were withheld from the record (--privacy strict) */
const EARLY_IATS_WITHHELD = -1;

/** Marks a record's copy of flow `id` as written without its early gaps. */
export function withholdEarlyIats(t: FlowRecordArrays, id: number): void {
  t.earlyIat[id * EARLY_PACKETS] = EARLY_IATS_WITHHELD;
}

export function earlyIatsWithheld(t: FlowRecordArrays, id: number): boolean {
  return t.earlyIat[id * EARLY_PACKETS] === EARLY_IATS_WITHHELD;
}

/** early packet `index`'s gap in whole microseconds */
export function earlyIatAt(t: FlowRecordArrays, index: number): number {
  const us = t.earlyIat[index]!;
  return us === EARLY_IAT_WIDE ? t.earlyWide.get(wideKey(index, true))! : us;
}

/** Copies flow `from`'s wide early values of table `t` into `to`'s place in table `into` (both hold only the current record's). */
export function copyEarlyWide(into: FlowRecordArrays, to: number, t: FlowRecordArrays, from: number): void {
  if (t.earlyWide.size === 0) return;
  const shift = wideKey(to * EARLY_PACKETS, false) - wideKey(from * EARLY_PACKETS, false);
  for (let k = wideKey(from * EARLY_PACKETS, false); k < wideKey((from + 1) * EARLY_PACKETS, false); k++) {
    const v = t.earlyWide.get(k);
    if (v !== undefined) into.earlyWide.set(k + shift, v);
  }
}

/**
 * The per-flow arrays a flow record is read from (see schema.ts): FlowTable holds them for the
 * live flows, FlowSnapshot copies them for ended flows that are written elsewhere.
 */
export interface FlowRecordArrays {
  keys: Uint32Array;
  clientIsA: Uint8Array;
  tunnel: Uint8Array;
  anomalyBits: Uint32Array;
  firstSeen: Float64Array;
  lastSeen: Float64Array;
  packets: Float64Array;
  bytes: Float64Array;
  payloadBytes: Float64Array;
  fragments: Float64Array;
  fragmentBytes: Float64Array;
  dirFirst: Float64Array;
  dirLast: Float64Array;
  tcpFlags: Uint8Array;
  tcpEvents: Uint8Array;
  lenMin: Uint32Array;
  lenMax: Uint32Array;
  lenSum: Float64Array;
  lenSumSq: Float64Array;
  iatMin: Float64Array;
  iatMax: Float64Array;
  iatSum: Float64Array;
  iatSumSq: Float64Array;
  earlyCount: Uint8Array;
  /** payload bytes; EARLY_SIZE_WIDE means the size is in earlyWide */
  earlySize: Uint16Array;
  earlyDir: Uint8Array;
  /** whole microseconds; EARLY_IAT_WIDE means the gap is in earlyWide */
  earlyIat: Int32Array;
  /** the rare early values too wide for their arrays, exact, by wideKey() */
  earlyWide: Map<number, number>;
  historyLen: Uint8Array;
  history: Uint8Array;
}

export class FlowTable implements FlowRecordArrays {
  capacity = 0;
  live = 0;
  // hash index: slot → flow id + 1 (0 = empty)
  private index = new Int32Array(0);
  private indexMask = 0;

  // identity
  keys = new Uint32Array(0);
  hashes = new Uint32Array(0);
  /** 1 when endpoint A of the key is the client */
  clientIsA = new Uint8Array(0);
  tunnel = new Uint8Array(0);
  /** bit set of the anomaly ids raised by this flow's packets: two 32-bit words per flow */
  anomalyBits = new Uint32Array(0);
  alive = new Uint8Array(0);
  firstSeen = new Float64Array(0);
  lastSeen = new Float64Array(0);
  /**
   * the clock (`now`: the engine's latest capture time so far) at the flow's last packet, and at
   * the start of its record; the lru and age lists are in their order. The timeouts go by these,
   * not by the packets' own times, so that a capture out of time order keeps the lists in order
   * and a flow times out at the same packet whichever other flows share its table (one engine,
   * or several workers)
   */
  idleSince = new Float64Array(0);
  ageSince = new Float64Array(0);

  // per direction
  packets = new Float64Array(0);
  bytes = new Float64Array(0);
  payloadBytes = new Float64Array(0);
  fragments = new Float64Array(0);
  fragmentBytes = new Float64Array(0);
  dirFirst = new Float64Array(0);
  dirLast = new Float64Array(0);
  tcpFlags = new Uint8Array(0);
  tcpEvents = new Uint8Array(0);
  lenMin = new Uint32Array(0);
  lenMax = new Uint32Array(0);
  lenSum = new Float64Array(0);
  lenSumSq = new Float64Array(0);
  iatMin = new Float64Array(0);
  iatMax = new Float64Array(0);
  iatSum = new Float64Array(0);
  iatSumSq = new Float64Array(0);

  // the first packets of the flow
  earlyCount = new Uint8Array(0);
  earlySize = new Uint16Array(0);
  earlyDir = new Uint8Array(0);
  earlyIat = new Int32Array(0);
  earlyWide = new Map<number, number>();

  // Zeek-style history: letters in order of first occurrence
  historyLen = new Uint8Array(0);
  history = new Uint8Array(0);

  // lists
  lruPrev = new Int32Array(0);
  lruNext = new Int32Array(0);
  lruHead = NONE;
  lruTail = NONE;
  agePrev = new Int32Array(0);
  ageNext = new Int32Array(0);
  ageHead = NONE;
  ageTail = NONE;
  private freeList = new Int32Array(0);
  private freeCount = 0;

  /** set by lookup(): whether the returned flow was just created */
  created = false;
  /** set by update(): the direction of the packet just counted (0 client → server) */
  lastDir: 0 | 1 = 0;

  /**
   * `maxCapacity`: the table never grows past it (the engine evicts before it would need to), so
   * its memory holds to the live-flow cap instead of the next doubling, up to twice that.
   */
  constructor(initialCapacity = 1024, readonly maxCapacity = Number.MAX_SAFE_INTEGER) {
    this.grow(Math.min(maxCapacity, Math.max(16, initialCapacity)));
  }

  /**
   * Finds the flow of the key, or creates it (at packet time `tsMicros`, clock `now`: see
   * idleSince). Returns the flow id.
   */
  lookupOrCreate(kb: FlowKeyBuilder, tsMicros: number, now: number): number {
    const key = kb.key;
    const h = kb.hash;
    const index = this.index;
    const mask = this.indexMask;
    const keys = this.keys;
    let slot = h & mask;
    for (;;) {
      const entry = index[slot]!;
      if (entry === 0) break;
      const id = entry - 1;
      if (this.hashes[id] === h) {
        const base = id * KEY_WORDS;
        let same = true;
        for (let i = 0; i < KEY_WORDS; i++) {
          if (keys[base + i] !== key[i]) {
            same = false;
            break;
          }
        }
        if (same) {
          this.created = false;
          return id;
        }
      }
      slot = (slot + 1) & mask;
    }
    if (this.freeCount === 0) {
      // at the cap only when a caller fills it without evicting: growing is still better than failing
      this.grow(this.capacity < this.maxCapacity ? Math.min(this.capacity * 2, this.maxCapacity) : this.capacity * 2);
      return this.lookupOrCreate(kb, tsMicros, now);
    }
    const id = this.freeList[--this.freeCount]!;
    index[slot] = id + 1;
    this.initFlow(id, kb, tsMicros, now);
    this.created = true;
    this.live++;
    return id;
  }

  private initFlow(id: number, kb: FlowKeyBuilder, ts: number, now: number): void {
    this.keys.set(kb.key, id * KEY_WORDS);
    this.hashes[id] = kb.hash;
    this.clientIsA[id] = kb.aIsSource ? 1 : 0;
    this.tunnel[id] = 0;
    this.anomalyBits[id * 2] = 0;
    this.anomalyBits[id * 2 + 1] = 0;
    this.alive[id] = 1;
    this.firstSeen[id] = ts;
    this.lastSeen[id] = ts;
    this.idleSince[id] = now;
    this.ageSince[id] = now;
    this.resetCounters(id);
    this.lruAppend(id);
    this.ageAppend(id);
  }

  /** Clears the counters (used at creation and when an active timeout starts a new record). */
  resetCounters(id: number): void {
    for (let d = id * 2; d < id * 2 + 2; d++) {
      this.packets[d] = 0;
      this.bytes[d] = 0;
      this.payloadBytes[d] = 0;
      this.fragments[d] = 0;
      this.fragmentBytes[d] = 0;
      this.dirFirst[d] = 0;
      this.dirLast[d] = 0;
      this.tcpFlags[d] = 0;
      this.tcpEvents[d] = 0;
      this.lenMin[d] = 0;
      this.lenMax[d] = 0;
      this.lenSum[d] = 0;
      this.lenSumSq[d] = 0;
      this.iatMin[d] = 0;
      this.iatMax[d] = 0;
      this.iatSum[d] = 0;
      this.iatSumSq[d] = 0;
    }
    this.earlyCount[id] = 0;
    if (this.earlyWide.size > 0) {
      for (let k = wideKey(id * EARLY_PACKETS, false); k < wideKey((id + 1) * EARLY_PACKETS, false); k++) this.earlyWide.delete(k);
    }
    this.historyLen[id] = 0;
  }

  /**
   * Accounts one packet (or one reassembled datagram) to the flow at clock `now`. `fromA` says
   * whether the packet's source is endpoint A.
   */
  update(id: number, p: DecodedPacket, fromA: boolean, now: number): void {
    const ts = p.tsMicros;
    if (this.packets[id * 2]! + this.packets[id * 2 + 1]! === 0) {
      this.decideClient(id, p, fromA);
    } else if (p.l4Proto === 6 && (p.tcpFlags & 0x12) === 0x02 && (this.clientIsA[id] === 1) !== fromA) {
      // a SYN from the side we took for the server, before any SYN: it is the client after all
      if (((this.tcpEvents[id * 2]! | this.tcpEvents[id * 2 + 1]!) & (TcpEvent.Syn | TcpEvent.SynAck)) === 0) this.flip(id);
    }
    const dir = (this.clientIsA[id] === 1) === fromA ? 0 : 1;
    this.lastDir = dir;
    const d = id * 2 + dir;
    if (p.fragmentFrames > 0) {
      this.fragments[d] += p.fragmentFrames;
      this.fragmentBytes[d] += p.fragmentWireBytes;
    }
    if (!p.countPacket) {
      // the rest of a datagram whose first fragment was counted when it came
      this.payloadBytes[d] += p.fragmentPayloadBytes;
      if (ts > this.lastSeen[id]!) this.lastSeen[id] = ts;
      this.idleSince[id] = now;
      this.lruTouch(id);
      return;
    }
    const wire = p.wireLen;
    const prevPackets = this.packets[d]!;
    if (prevPackets === 0) {
      this.dirFirst[d] = ts;
      this.lenMin[d] = wire;
      this.lenMax[d] = wire;
    } else {
      const iat = ts - this.dirLast[d]!;
      if (prevPackets === 1 || iat < this.iatMin[d]!) this.iatMin[d] = iat;
      if (prevPackets === 1 || iat > this.iatMax[d]!) this.iatMax[d] = iat;
      this.iatSum[d] += iat;
      this.iatSumSq[d] += iat * iat;
      if (wire < this.lenMin[d]!) this.lenMin[d] = wire;
      if (wire > this.lenMax[d]!) this.lenMax[d] = wire;
    }
    this.dirLast[d] = ts;
    this.packets[d] = prevPackets + 1;
    this.bytes[d] += wire;
    this.payloadBytes[d] += p.payloadLen;
    this.lenSum[d] += wire;
    this.lenSumSq[d] += wire * wire;

    const n = this.earlyCount[id]!;
    if (n < EARLY_PACKETS) {
      const e = id * EARLY_PACKETS + n;
      // 2 and 4 bytes a packet instead of 4 and 8: the rare wider values go to earlyWide
      if (p.payloadLen >= EARLY_SIZE_WIDE) {
        this.earlySize[e] = EARLY_SIZE_WIDE;
        this.earlyWide.set(wideKey(e, false), p.payloadLen);
      } else {
        this.earlySize[e] = p.payloadLen;
      }
      this.earlyDir[e] = dir;
      // whole microseconds, as records give them
      const iat = n === 0 ? 0 : Math.round(ts - this.lastSeen[id]!);
      if (iat > 0x7fffffff || iat <= EARLY_IAT_WIDE) {
        this.earlyIat[e] = EARLY_IAT_WIDE;
        this.earlyWide.set(wideKey(e, true), iat);
      } else {
        this.earlyIat[e] = iat;
      }
      this.earlyCount[id] = n + 1;
    }

    if (p.l4Proto === 6) {
      this.tcpFlags[d] |= p.tcpFlags;
      const events = tcpEventsOf(p.tcpFlags, p.payloadLen);
      const fresh = events & ~this.tcpEvents[d]!;
      if (fresh !== 0) {
        this.tcpEvents[d] |= events;
        this.recordHistory(id, fresh, dir);
      }
    } else if (p.payloadLen > 0 && (this.tcpEvents[d]! & TcpEvent.Data) === 0) {
      this.tcpEvents[d] |= TcpEvent.Data;
      this.recordHistory(id, TcpEvent.Data, dir);
    }
    if (p.anomaly >= 0) this.anomalyBits[id * 2 + (p.anomaly >> 5)] |= 1 << (p.anomaly & 31);
    if (p.tunnel !== 0) this.tunnel[id] = p.tunnel;
    this.lastSeen[id] = ts;
    this.idleSince[id] = now;
    this.lruTouch(id);
  }

  /** The client is the sender of the first packet, unless that packet is a SYN-ACK. */
  private decideClient(id: number, p: DecodedPacket, fromA: boolean): void {
    let clientIsSource = true;
    if (p.l4Proto === 6 && (p.tcpFlags & 0x12) === 0x12) clientIsSource = false;
    this.clientIsA[id] = clientIsSource === fromA ? 1 : 0;
  }

  /** Swaps client and server, with every per-direction counter. */
  private flip(id: number): void {
    this.clientIsA[id] ^= 1;
    const a = id * 2;
    const b = a + 1;
    for (const arr of [this.packets, this.bytes, this.payloadBytes, this.fragments, this.fragmentBytes, this.dirFirst, this.dirLast, this.lenMin,
      this.lenMax, this.lenSum, this.lenSumSq, this.iatMin, this.iatMax, this.iatSum, this.iatSumSq]) {
      const t = arr[a]!;
      arr[a] = arr[b]!;
      arr[b] = t;
    }
    for (const arr of [this.tcpFlags, this.tcpEvents]) {
      const t = arr[a]!;
      arr[a] = arr[b]!;
      arr[b] = t;
    }
    const n = this.earlyCount[id]!;
    for (let i = 0; i < n; i++) this.earlyDir[id * EARLY_PACKETS + i] ^= 1;
    const hl = this.historyLen[id]!;
    for (let i = 0; i < hl; i++) this.history[id * HISTORY_MAX + i] ^= 0x20; // swap letter case
  }

  private recordHistory(id: number, events: number, dir: number): void {
    for (let bit = 1; bit <= TcpEvent.Ack; bit <<= 1) {
      if ((events & bit) === 0) continue;
      const len = this.historyLen[id]!;
      if (len >= HISTORY_MAX) return;
      this.history[id * HISTORY_MAX + len] = historyLetter(bit, dir);
      this.historyLen[id] = len + 1;
    }
  }

  /** Removes the flow from the index and lists and frees its id. */
  remove(id: number): void {
    const mask = this.indexMask;
    const index = this.index;
    let slot = this.hashes[id]! & mask;
    while (index[slot] !== id + 1) slot = (slot + 1) & mask;
    // backward-shift deletion keeps probe chains intact without tombstones
    let hole = slot;
    let next = (hole + 1) & mask;
    for (;;) {
      const entry = index[next]!;
      if (entry === 0) break;
      const home = this.hashes[entry - 1]! & mask;
      // the entry may move into the hole when its home is not cyclically within (hole, next]
      const inRange = hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (!inRange) {
        index[hole] = entry;
        hole = next;
      }
      next = (next + 1) & mask;
    }
    index[hole] = 0;
    this.lruUnlink(id);
    this.ageUnlink(id);
    this.alive[id] = 0;
    this.freeList[this.freeCount++] = id;
    this.live--;
  }

  /** Moves the flow to the young end of the age list (a new record after an active timeout). */
  restartAge(id: number, ts: number): void {
    this.ageUnlink(id);
    this.ageAppend(id);
    this.firstSeen[id] = ts;
    this.ageSince[id] = ts;
    this.resetCounters(id);
  }

  private grow(newCapacity: number): void {
    const old = this.capacity;
    const f64 = (a: Float64Array, per: number): Float64Array<ArrayBuffer> => { const n = new Float64Array(newCapacity * per); n.set(a); return n; };
    const u32 = (a: Uint32Array, per: number): Uint32Array<ArrayBuffer> => { const n = new Uint32Array(newCapacity * per); n.set(a); return n; };
    const u8 = (a: Uint8Array, per: number): Uint8Array<ArrayBuffer> => { const n = new Uint8Array(newCapacity * per); n.set(a); return n; };
    const i32 = (a: Int32Array, per: number): Int32Array<ArrayBuffer> => { const n = new Int32Array(newCapacity * per); n.set(a); return n; };
    const u16 = (a: Uint16Array, per: number): Uint16Array<ArrayBuffer> => { const n = new Uint16Array(newCapacity * per); n.set(a); return n; };
    this.keys = u32(this.keys, KEY_WORDS);
    this.hashes = u32(this.hashes, 1);
    this.clientIsA = u8(this.clientIsA, 1);
    this.tunnel = u8(this.tunnel, 1);
    this.anomalyBits = u32(this.anomalyBits, 2);
    this.alive = u8(this.alive, 1);
    this.firstSeen = f64(this.firstSeen, 1);
    this.lastSeen = f64(this.lastSeen, 1);
    this.idleSince = f64(this.idleSince, 1);
    this.ageSince = f64(this.ageSince, 1);
    this.packets = f64(this.packets, 2);
    this.bytes = f64(this.bytes, 2);
    this.payloadBytes = f64(this.payloadBytes, 2);
    this.fragments = f64(this.fragments, 2);
    this.fragmentBytes = f64(this.fragmentBytes, 2);
    this.dirFirst = f64(this.dirFirst, 2);
    this.dirLast = f64(this.dirLast, 2);
    this.tcpFlags = u8(this.tcpFlags, 2);
    this.tcpEvents = u8(this.tcpEvents, 2);
    this.lenMin = u32(this.lenMin, 2);
    this.lenMax = u32(this.lenMax, 2);
    this.lenSum = f64(this.lenSum, 2);
    this.lenSumSq = f64(this.lenSumSq, 2);
    this.iatMin = f64(this.iatMin, 2);
    this.iatMax = f64(this.iatMax, 2);
    this.iatSum = f64(this.iatSum, 2);
    this.iatSumSq = f64(this.iatSumSq, 2);
    this.earlyCount = u8(this.earlyCount, 1);
    this.earlySize = u16(this.earlySize, EARLY_PACKETS);
    this.earlyDir = u8(this.earlyDir, EARLY_PACKETS);
    this.earlyIat = i32(this.earlyIat, EARLY_PACKETS);
    this.historyLen = u8(this.historyLen, 1);
    this.history = u8(this.history, HISTORY_MAX);
    this.lruPrev = i32(this.lruPrev, 1);
    this.lruNext = i32(this.lruNext, 1);
    this.agePrev = i32(this.agePrev, 1);
    this.ageNext = i32(this.ageNext, 1);
    const free = new Int32Array(newCapacity);
    free.set(this.freeList.subarray(0, this.freeCount));
    let n = this.freeCount;
    // hand out low ids first
    for (let id = newCapacity - 1; id >= old; id--) free[n++] = id;
    this.freeList = free;
    this.freeCount = n;
    this.capacity = newCapacity;

    // index at most half full, a power of two (the hash is masked into it)
    let slots = 16;
    while (slots < newCapacity * 2) slots *= 2;
    this.index = new Int32Array(slots);
    this.indexMask = slots - 1;
    for (let id = 0; id < old; id++) {
      if (this.alive[id] === 0) continue;
      let slot = this.hashes[id]! & this.indexMask;
      while (this.index[slot] !== 0) slot = (slot + 1) & this.indexMask;
      this.index[slot] = id + 1;
    }
  }

  private lruAppend(id: number): void {
    this.lruPrev[id] = this.lruTail;
    this.lruNext[id] = NONE;
    if (this.lruTail !== NONE) this.lruNext[this.lruTail] = id;
    else this.lruHead = id;
    this.lruTail = id;
  }

  private lruUnlink(id: number): void {
    const prev = this.lruPrev[id]!;
    const next = this.lruNext[id]!;
    if (prev !== NONE) this.lruNext[prev] = next;
    else this.lruHead = next;
    if (next !== NONE) this.lruPrev[next] = prev;
    else this.lruTail = prev;
    this.lruPrev[id] = NONE;
    this.lruNext[id] = NONE;
  }

  private lruTouch(id: number): void {
    if (this.lruTail === id) return;
    this.lruUnlink(id);
    this.lruAppend(id);
  }

  private ageAppend(id: number): void {
    this.agePrev[id] = this.ageTail;
    this.ageNext[id] = NONE;
    if (this.ageTail !== NONE) this.ageNext[this.ageTail] = id;
    else this.ageHead = id;
    this.ageTail = id;
  }

  private ageUnlink(id: number): void {
    const prev = this.agePrev[id]!;
    const next = this.ageNext[id]!;
    if (prev !== NONE) this.ageNext[prev] = next;
    else this.ageHead = next;
    if (next !== NONE) this.agePrev[next] = prev;
    else this.ageTail = prev;
    this.agePrev[id] = NONE;
    this.ageNext[id] = NONE;
  }
}
