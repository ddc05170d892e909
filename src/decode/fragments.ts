import { type AnomalyCounters, Anomaly } from './anomaly.js';
import { ipProtocolLayer } from './dispatch.js';
import { Layer } from './layers.js';
import { type DecodedPacket } from './packet.js';

// IPv4 and IPv6 fragment reassembly with bounded memory: at most `maxDatagrams` datagrams in
// progress, each at most 64 KiB, dropped (and counted) after `timeoutMicros` of capture time.
// Fragments are rare, so this path may allocate; the common path never enters it.

const MAX_DATAGRAM = 65535;

/** extension headers that may start the fragmentable part of an IPv6 datagram */
function skipIpv6ExtensionHeaders(p: DecodedPacket): void {
  const b = p.buf;
  for (let n = 0; n < 8; n++) {
    const proto = p.l4Proto;
    if (proto !== 0 && proto !== 43 && proto !== 60 && proto !== 51 && proto !== 135 && proto !== 139 && proto !== 140) return;
    if (p.end - p.off < 8) return;
    const len = proto === 51 ? (b[p.off + 1]! + 2) << 2 : (b[p.off + 1]! + 1) << 3;
    p.l4Proto = b[p.off]!;
    p.off += len;
  }
}

interface Part {
  offset: number;
  data: Uint8Array;
}

interface Datagram {
  hash: number;
  version: 4 | 6;
  /** IPv6: the next header named by the offset-zero fragment */
  nextHeader: number;
  src0: number; src1: number; src2: number; src3: number;
  dst0: number; dst1: number; dst2: number; dst3: number;
  id: number;
  proto: number;
  firstSeenMicros: number;
  /** copy of the header of the offset-0 fragment (IPv4 header, or IPv6 fixed header) */
  header: Uint8Array | null;
  parts: Part[];
  /** payload length, known once the last fragment (MF clear) arrived */
  totalLen: number;
  /** data bytes of the first fragment */
  firstDataLen: number;
  nonFirstFrames: number;
  nonFirstWireBytes: number;
  /** false once completed or dropped */
  pending: boolean;
}

export interface FragmentLimits {
  maxDatagrams: number;
  timeoutMicros: number;
}

export const DEFAULT_FRAGMENT_LIMITS: FragmentLimits = { maxDatagrams: 4096, timeoutMicros: 30_000_000 };

export class FragmentReassembler {
  /** insertion order = age order, which makes timeouts a scan from the front */
  private readonly pending = new Map<number, Datagram[]>();
  private count = 0;
  private readonly order: Datagram[] = [];
  private orderHead = 0;

  constructor(
    private readonly anomalies: AnomalyCounters,
    private readonly limits: FragmentLimits = DEFAULT_FRAGMENT_LIMITS,
  ) {}

  get inProgress(): number {
    return this.count;
  }

  addIpv4(p: DecodedPacket, ipOffset: number, headerLen: number, flagsFragment: number): number {
    const b = p.buf;
    const offset = (flagsFragment & 0x1fff) << 3;
    const more = (flagsFragment & 0x2000) !== 0;
    const dataStart = ipOffset + headerLen;
    const id = (b[ipOffset + 4]! << 8) | b[ipOffset + 5]!;
    const d = this.find(p, 4, id, p.l4Proto);
    return this.add(p, d, offset, more, dataStart, ipOffset, headerLen);
  }

  /** `fragOffset` points at the IPv6 fragment extension header */
  addIpv6(p: DecodedPacket, ipOffset: number, fragOffset: number): number {
    const b = p.buf;
    const field = (b[fragOffset + 2]! << 8) | b[fragOffset + 3]!;
    const offset = field & 0xfff8;
    const more = (field & 1) !== 0;
    const id = ((b[fragOffset + 4]! << 24) >>> 0) + ((b[fragOffset + 5]! << 16) | (b[fragOffset + 6]! << 8) | b[fragOffset + 7]!);
    // RFC 8200 §4.5: fragments of one datagram may name different next headers; only the
    // offset-zero fragment's counts, so IPv6 datagrams are keyed without it
    const d = this.find(p, 6, id, -1);
    if (d !== null && offset === 0) d.nextHeader = p.l4Proto;
    return this.add(p, d, offset, more, fragOffset + 8, ipOffset, 40);
  }

  /** Drops datagrams older than the timeout; the engine calls this as capture time advances. */
  expire(nowMicros: number): void {
    while (this.orderHead < this.order.length) {
      const d = this.order[this.orderHead]!;
      if (!d.pending) {
        this.orderHead++; // already completed or dropped
        continue;
      }
      if (nowMicros - d.firstSeenMicros < this.limits.timeoutMicros) break;
      this.anomalies.add(Anomaly.fragment_timeout);
      this.remove(d);
      this.orderHead++;
    }
    if (this.orderHead > 1024 && this.orderHead * 2 > this.order.length) {
      this.order.splice(0, this.orderHead);
      this.orderHead = 0;
    }
  }

  private find(p: DecodedPacket, version: 4 | 6, id: number, proto: number): Datagram | null {
    const a = p.addr;
    // drop timed-out datagrams first, so a late fragment cannot complete one and a new datagram
    // never joins a hash chain that expiry is about to delete
    this.expire(p.tsMicros);
    const h = (Math.imul(a[0]! ^ a[3]! ^ a[4]! ^ a[7]!, 0x9e3779b1) ^ Math.imul(id, 0x85ebca6b) ^ (proto << 1) ^ version) >>> 0;
    let chain = this.pending.get(h);
    if (chain) {
      for (const d of chain) {
        if (d.version === version && d.id === id && d.proto === proto &&
          d.src0 === a[0] && d.src1 === a[1] && d.src2 === a[2] && d.src3 === a[3] &&
          d.dst0 === a[4] && d.dst1 === a[5] && d.dst2 === a[6] && d.dst3 === a[7]) return d;
      }
    }
    if (this.count >= this.limits.maxDatagrams) {
      p.weird(Anomaly.fragment_table_full);
      return null;
    }
    const d: Datagram = {
      hash: h, version, id, proto, nextHeader: proto,
      src0: a[0]!, src1: a[1]!, src2: a[2]!, src3: a[3]!,
      dst0: a[4]!, dst1: a[5]!, dst2: a[6]!, dst3: a[7]!,
      firstSeenMicros: p.tsMicros, header: null, parts: [], totalLen: -1, firstDataLen: 0, nonFirstFrames: 0, nonFirstWireBytes: 0, pending: true,
    };
    if (!chain) {
      chain = [];
      this.pending.set(h, chain);
    }
    chain.push(d);
    this.order.push(d);
    this.count++;
    return d;
  }

  private add(p: DecodedPacket, d: Datagram | null, offset: number, more: boolean, dataStart: number, ipOffset: number, headerLen: number): number {
    const first = offset === 0;
    const len = Math.max(0, p.end - dataStart);
    if (d !== null) {
      if (offset + len + (d.version === 4 ? headerLen : 0) > MAX_DATAGRAM) {
        p.weird(Anomaly.fragment_too_large);
        this.remove(d);
        d = null;
      } else {
        this.store(p, d, offset, more, len, dataStart, ipOffset, headerLen);
        if (this.isComplete(d)) return this.complete(p, d, first);
      }
    }
    if (!first) {
      p.heldFragment = true;
      return Layer.End;
    }
    // the first fragment carries the transport header: the flow counts it now, whatever
    // becomes of the rest of its datagram
    p.partialFragment = true;
    p.off = dataStart;
    if (d !== null && d.version === 6) skipIpv6ExtensionHeaders(p);
    const next = ipProtocolLayer[p.l4Proto]!;
    return next === Layer.Tcp || next === Layer.Udp || next === Layer.Sctp || next === Layer.Icmp || next === Layer.Icmpv6
      ? next
      : Layer.OtherL4;
  }

  private store(p: DecodedPacket, d: Datagram, offset: number, more: boolean, len: number, dataStart: number, ipOffset: number, headerLen: number): void {
    if (offset === 0) {
      if (d.header === null) {
        d.header = p.buf.slice(ipOffset, ipOffset + headerLen);
        d.firstDataLen = len;
      }
    } else {
      d.nonFirstFrames++;
      d.nonFirstWireBytes += p.wireLen;
    }
    if (!more) {
      // first writer wins, for the datagram's length too
      if (d.totalLen < 0) d.totalLen = offset + len;
      else if (d.totalLen !== offset + len) p.weird(Anomaly.fragment_overlap);
    }
    for (const part of d.parts) {
      if (offset < part.offset + part.data.length && part.offset < offset + len) {
        p.weird(Anomaly.fragment_overlap);
        break;
      }
    }
    d.parts.push({ offset, data: p.buf.slice(dataStart, dataStart + len) });
  }

  /** complete when the first and last fragments arrived and the parts cover [0, totalLen) */
  private isComplete(d: Datagram): boolean {
    if (d.header === null || d.totalLen < 0) return false;
    // sort a copy: d.parts stays in arrival order, which decides overlaps
    const byOffset = d.parts.slice().sort((x, y) => x.offset - y.offset);
    let covered = 0;
    for (const part of byOffset) {
      if (part.offset > covered) return false;
      covered = Math.max(covered, part.offset + part.data.length);
    }
    return covered >= d.totalLen;
  }

  private complete(p: DecodedPacket, d: Datagram, completedByFirst: boolean): number {
    const header = d.header!;
    const out = new Uint8Array(header.length + d.totalLen);
    out.set(header, 0);
    // first writer wins on overlaps: write the parts in reverse arrival order
    for (let i = d.parts.length - 1; i >= 0; i--) {
      const part = d.parts[i]!;
      const room = d.totalLen - part.offset;
      if (room <= 0) continue; // lies beyond the datagram's end
      out.set(room < part.data.length ? part.data.subarray(0, room) : part.data, header.length + part.offset);
    }
    if (d.version === 4) {
      const total = out.length;
      out[2] = total >> 8;
      out[3] = total & 0xff;
      out[6] = 0;
      out[7] = 0;
    } else {
      out[4] = d.totalLen >> 8;
      out[5] = d.totalLen & 0xff;
      out[6] = d.nextHeader; // the first fragment's next header; extension headers before it are dropped
    }
    // the first fragment was counted as the flow's packet when it came, unless it completes now
    p.countPacket = completedByFirst;
    p.fragmentFrames = d.nonFirstFrames;
    p.fragmentWireBytes = d.nonFirstWireBytes;
    p.fragmentPayloadBytes = d.totalLen - d.firstDataLen;
    this.remove(d);
    p.buf = out;
    p.off = 0;
    p.end = out.length;
    p.snapTruncated = false;
    p.reassembled = true;
    return d.version === 4 ? Layer.Ipv4 : Layer.Ipv6;
  }

  private remove(d: Datagram): void {
    const h = d.hash;
    const chain = this.pending.get(h);
    if (chain) {
      const i = chain.indexOf(d);
      if (i >= 0) chain.splice(i, 1);
      if (chain.length === 0) this.pending.delete(h);
    }
    d.pending = false;
    d.parts = [];
    this.count--;
  }
}
