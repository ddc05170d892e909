import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex } from '../wire/bytes.js';
import { AnomalyCounters } from './anomaly.js';
import { PacketDecoder } from './decoder.js';
import { DEFAULT_FRAGMENT_LIMITS, type FragmentLimits } from './fragments.js';
import { Tunnel } from './layers.js';
import { concat, ethernet, fragmentIpv4, ipv4, ipv4Words, ipv6, ipv6Fragment, tcp, TCP_ACK, TCP_PSH, udp, type Ipv4Options } from '../test-support/packet-builder.js';
import { mutate, seededRandom } from '../test-support/prng.js';

// IPv4 and IPv6 fragment reassembly through the real PacketDecoder: order, overlaps, duplicates,
// the per-packet accounting fields the flow table reads (countPacket, partialFragment,
// heldFragment, fragmentFrames, fragmentWireBytes, fragmentPayloadBytes), size and table limits,
// and timeouts.

const ETHERNET = 1;
const RAW = 101;

/** the fields of the reused DecodedPacket that matter here, copied after each decode */
interface Snap {
  ipVersion: number;
  reassembled: boolean;
  heldFragment: boolean;
  partialFragment: boolean;
  countPacket: boolean;
  fragmentFrames: number;
  fragmentWireBytes: number;
  fragmentPayloadBytes: number;
  l4Proto: number;
  sport: number;
  dport: number;
  tcpFlags: number;
  icmpType: number;
  payloadLen: number;
  anomaly: number;
  tunnel: number;
  src: number;
  dst: number;
  off: number;
  end: number;
  ipEnd: number;
  /** the decoded bytes [0, end) when the packet is a reassembled datagram */
  datagram: Uint8Array | null;
}

class Reassembly {
  readonly counters = new AnomalyCounters();
  readonly decoder: PacketDecoder;
  readonly snaps: Snap[] = [];

  constructor(limits: FragmentLimits = DEFAULT_FRAGMENT_LIMITS) {
    this.decoder = new PacketDecoder(this.counters, limits);
  }

  feed(frame: Uint8Array, ts = 0, wireLen = frame.length, linkType = ETHERNET): Snap {
    const p = this.decoder.decode(frame, 0, frame.length, wireLen, ts, linkType);
    const s: Snap = {
      ipVersion: p.ipVersion, reassembled: p.reassembled, heldFragment: p.heldFragment, partialFragment: p.partialFragment,
      countPacket: p.countPacket, fragmentFrames: p.fragmentFrames, fragmentWireBytes: p.fragmentWireBytes,
      fragmentPayloadBytes: p.fragmentPayloadBytes, l4Proto: p.l4Proto, sport: p.sport, dport: p.dport, tcpFlags: p.tcpFlags,
      icmpType: p.icmpType, payloadLen: p.payloadLen, anomaly: p.anomaly, tunnel: p.tunnel, src: p.addr[0]!, dst: p.addr[4]!,
      off: p.off, end: p.end, ipEnd: p.ipEnd, datagram: p.reassembled ? p.buf.slice(0, p.end) : null,
    };
    this.snaps.push(s);
    return s;
  }

  get anomalies(): Record<string, number> {
    return this.counters.toObject();
  }

  get inProgress(): number {
    return this.decoder.fragments.inProgress;
  }
}

/** What a flow table makes of the frames (as FlowTable.update does): every field counted once. */
function accounting(snaps: readonly Snap[]) {
  const out = { packets: 0, payloadBytes: 0, fragments: 0, fragmentBytes: 0, reassembled: 0 };
  for (const s of snaps) {
    if (s.heldFragment) continue;
    out.fragments += s.fragmentFrames;
    out.fragmentBytes += s.fragmentWireBytes;
    if (s.reassembled) out.reassembled++;
    if (s.countPacket) {
      out.packets++;
      out.payloadBytes += s.payloadLen;
    } else {
      out.payloadBytes += s.fragmentPayloadBytes;
    }
  }
  return out;
}

function pattern(n: number, seed = 0): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
}

function fill(n: number, char: string): Uint8Array {
  return new Uint8Array(n).fill(char.charCodeAt(0));
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

/** the IPv4 datagram's payload bytes [20, end) */
function ipv4Payload(s: Snap): string {
  assert.ok(s.datagram, 'a reassembled datagram');
  return text(s.datagram.subarray(20));
}

const V4: Ipv4Options = { src: '10.0.0.1', dst: '10.0.0.53', proto: 17, id: 0x1234 };
const V6 = { src: '2001:db8::1', dst: '2001:db8::53' };
/** a raw IPv4 fragment (link type 101) of protocol 253 (experimental: no transport decoding) */
const raw4 = (offset: number, more: boolean, data: Uint8Array, o: Partial<Ipv4Options> = {}): Uint8Array =>
  ipv4({ src: '192.0.2.1', dst: '192.0.2.2', proto: 253, id: 77, fragmentOffset: offset, moreFragments: more, ...o }, data);
const v6frag = (offset: number, more: boolean, data: Uint8Array, id = 0xdeadbeef, next = 17): Uint8Array =>
  ethernet(0x86dd, ipv6({ ...V6, next: 44 }, ipv6Fragment(next, offset, more, id, data)));

// Ethernet[IPv4 MF offset 0[ICMP echo request, datagram bytes 0..15 of 24]] + padding to 60 bytes
const ICMP_FRAG_1 = hex(`
  02 00 00 00 00 0b  02 00 00 00 00 0a  08 00     # Ethernet, IPv4
  45 00 00 24  ab cd 20 00  40 01 00 00           # IPv4 total 36, id 0xabcd, MF, offset 0, ICMP
  c0 00 02 01  c0 00 02 02                        # 192.0.2.1 → 192.0.2.2
  08 00 00 00  00 07 00 01                        # ICMP echo request, id 7, seq 1        (datagram byte 0)
  61 62 63 64 65 66 67 68                         # 'abcdefgh'                            (datagram byte 8)
  00 00 00 00 00 00 00 00 00 00                   # Ethernet padding
`);
// Ethernet[IPv4 offset 2 (16 bytes), last[datagram bytes 16..23]] + padding to 60 bytes
const ICMP_FRAG_2 = hex(`
  02 00 00 00 00 0b  02 00 00 00 00 0a  08 00     # Ethernet, IPv4
  45 00 00 1c  ab cd 00 02  40 01 00 00           # IPv4 total 28, id 0xabcd, offset 2 × 8, last fragment
  c0 00 02 01  c0 00 02 02                        # 192.0.2.1 → 192.0.2.2
  69 6a 6b 6c 6d 6e 6f 70                         # 'ijklmnop'                            (datagram byte 16)
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00   # Ethernet padding
`);

test('IPv4, two fragments in order: the first counts as the packet, the last completes the datagram', () => {
  const r = new Reassembly();
  const first = r.feed(ICMP_FRAG_1);
  assert.deepEqual(r.anomalies, {});
  assert.equal(first.partialFragment, true);
  assert.equal(first.countPacket, true);
  assert.equal(first.heldFragment, false);
  assert.equal(first.reassembled, false);
  assert.equal(first.ipVersion, 4);
  assert.equal(first.l4Proto, 1);
  assert.equal(first.icmpType, 8);
  assert.equal(first.payloadLen, 12, 'the ICMP payload bytes of this fragment (padding excluded)');
  assert.equal(first.fragmentFrames, 0);
  assert.equal(r.inProgress, 1);

  const last = r.feed(ICMP_FRAG_2);
  assert.deepEqual(r.anomalies, {});
  assert.equal(last.reassembled, true);
  assert.equal(last.countPacket, false, 'the first fragment was counted already');
  assert.equal(last.partialFragment, false);
  assert.equal(last.heldFragment, false);
  assert.equal(last.fragmentFrames, 1);
  assert.equal(last.fragmentWireBytes, 60);
  assert.equal(last.fragmentPayloadBytes, 8);
  assert.equal(last.l4Proto, 1);
  assert.equal(last.icmpType, 8);
  assert.equal(last.payloadLen, 20);
  assert.equal(first.payloadLen + last.fragmentPayloadBytes, last.payloadLen);
  assert.equal(last.src, 0xc0000201);
  assert.equal(last.dst, 0xc0000202);
  // the datagram: the first fragment's header, total length 44, no fragment bits, no padding inside
  assert.deepEqual(last.datagram, hex(`
    45 00 00 2c  ab cd 00 00  40 01 00 00  c0 00 02 01  c0 00 02 02
    08 00 00 00  00 07 00 01  61 62 63 64 65 66 67 68  69 6a 6b 6c 6d 6e 6f 70
  `));
  assert.equal(r.inProgress, 0);
});

const UDP_3000 = udp(5000, 53, pattern(3000));
/** three fragments of a 3008-byte UDP datagram: 1480 + 1480 + 48 bytes */
const UDP_FRAGS = fragmentIpv4(V4, UDP_3000, 1480).map((f) => ethernet(0x0800, f));
/** the wire carried an FCS the capture did not keep */
const wire = (frame: Uint8Array): number => frame.length + 4;

test('IPv4, three fragments in order: held middle fragment, accounting on the completing one', () => {
  assert.equal(UDP_FRAGS.length, 3);
  const r = new Reassembly();
  const [f0, f1, f2] = UDP_FRAGS as [Uint8Array, Uint8Array, Uint8Array];
  const first = r.feed(f0, 0, wire(f0));
  assert.equal(first.partialFragment, true);
  assert.equal(first.countPacket, true);
  assert.equal(first.l4Proto, 17);
  assert.equal(first.sport, 5000);
  assert.equal(first.dport, 53);
  assert.equal(first.payloadLen, 1480 - 8);
  assert.equal(first.tunnel, Tunnel.None);

  const middle = r.feed(f1, 1, wire(f1));
  assert.equal(middle.heldFragment, true);
  assert.equal(middle.reassembled, false);
  assert.equal(middle.partialFragment, false);
  assert.equal(middle.sport, 0);
  assert.equal(middle.fragmentFrames, 0);
  assert.equal(r.inProgress, 1);

  const last = r.feed(f2, 2, wire(f2));
  assert.deepEqual(r.anomalies, {});
  assert.equal(last.reassembled, true);
  assert.equal(last.countPacket, false);
  assert.equal(last.heldFragment, false);
  assert.equal(last.fragmentFrames, 2);
  assert.equal(last.fragmentWireBytes, wire(f1) + wire(f2), 'wire lengths, not capture lengths');
  assert.equal(last.fragmentPayloadBytes, 3008 - 1480);
  assert.equal(last.sport, 5000);
  assert.equal(last.dport, 53);
  assert.equal(last.payloadLen, 3000);
  assert.equal(last.src, ipv4Words('10.0.0.1'));
  assert.equal(last.dst, ipv4Words('10.0.0.53'));
  assert.equal(last.ipEnd, 20 + 3008);
  assert.equal(last.end, 20 + 3008);
  const d = last.datagram!;
  assert.deepEqual(d.subarray(20), UDP_3000);
  assert.equal((d[2]! << 8) | d[3]!, 3028, 'total length rewritten');
  assert.equal((d[6]! << 8) | d[7]!, 0, 'fragment bits cleared');
  assert.deepEqual(d.subarray(8, 20), f0.subarray(14 + 8, 14 + 20), 'TTL, protocol, addresses of the first fragment');
  assert.equal(r.inProgress, 0);
  assert.deepEqual(accounting(r.snaps), { packets: 1, payloadBytes: 3000, fragments: 2, fragmentBytes: wire(f1) + wire(f2), reassembled: 1 });
});

test('IPv4: every arrival order reassembles the same datagram and counts each field once', () => {
  const orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
  for (const order of orders) {
    const r = new Reassembly();
    const snaps = order.map((i, t) => r.feed(UDP_FRAGS[i]!, t, wire(UDP_FRAGS[i]!)));
    const done = snaps[2]!;
    assert.deepEqual(r.anomalies, {}, `order ${order}`);
    assert.equal(done.reassembled, true, `order ${order}`);
    assert.deepEqual(done.datagram!.subarray(20), UDP_3000, `order ${order}`);
    assert.equal(done.sport, 5000);
    assert.equal(done.payloadLen, 3000);
    assert.equal(done.fragmentFrames, 2);
    // the first fragment is the counted packet: when it completes the datagram, that packet is this one
    const firstAt = order.indexOf(0);
    assert.equal(done.countPacket, firstAt === 2, `order ${order}`);
    assert.equal(snaps[firstAt]!.partialFragment, firstAt !== 2);
    for (let k = 0; k < 2; k++) {
      if (order[k] !== 0) assert.equal(snaps[k]!.heldFragment, true, `order ${order}, frame ${k}`);
    }
    assert.deepEqual(accounting(r.snaps), {
      packets: 1, payloadBytes: 3000, fragments: 2, fragmentBytes: wire(UDP_FRAGS[1]!) + wire(UDP_FRAGS[2]!), reassembled: 1,
    }, `order ${order}`);
    assert.equal(r.inProgress, 0);
  }
});

test('IPv4: a first fragment that arrives last completes the datagram and is the counted packet', () => {
  const r = new Reassembly();
  const [f0, f1, f2] = UDP_FRAGS as [Uint8Array, Uint8Array, Uint8Array];
  assert.equal(r.feed(f2, 0, wire(f2)).heldFragment, true);
  assert.equal(r.feed(f1, 1, wire(f1)).heldFragment, true);
  const done = r.feed(f0, 2, wire(f0));
  assert.equal(done.reassembled, true);
  assert.equal(done.countPacket, true);
  assert.equal(done.partialFragment, false);
  assert.equal(done.heldFragment, false);
  assert.equal(done.fragmentFrames, 2);
  assert.equal(done.fragmentWireBytes, wire(f1) + wire(f2));
  assert.equal(done.payloadLen, 3000, 'the whole datagram counts with this packet');
  assert.equal(done.sport, 5000);
});

test('IPv4: a TCP first fragment too small for the TCP header (RFC 1858); the datagram has the ports', () => {
  const segment = tcp(40000, 443, TCP_PSH | TCP_ACK, pattern(100), 7, 9);
  const frags = fragmentIpv4({ ...V4, proto: 6 }, segment, 8).map((f) => ethernet(0x0800, f));
  const r = new Reassembly();
  const first = r.feed(frags[0]!);
  assert.deepEqual(r.anomalies, { truncated_tcp: 1 });
  assert.equal(first.partialFragment, true);
  assert.equal(first.countPacket, true);
  assert.equal(first.sport, 0);
  assert.equal(first.dport, 0);
  let last = first;
  for (const f of frags.slice(1)) last = r.feed(f);
  assert.equal(last.reassembled, true);
  assert.equal(last.fragmentFrames, frags.length - 1);
  assert.equal(last.sport, 40000);
  assert.equal(last.dport, 443);
  assert.equal(last.tcpFlags, TCP_PSH | TCP_ACK);
  assert.equal(last.payloadLen, 100);
  assert.equal(last.fragmentPayloadBytes, 120 - 8);
});

test('IPv4: a UDP first fragment is not handed to a tunnel, and its UDP length is not checked', () => {
  const payload = udp(40000, 4789, pattern(2000));
  const frags = fragmentIpv4(V4, payload, 1480).map((f) => ethernet(0x0800, f));
  const r = new Reassembly();
  const first = r.feed(frags[0]!);
  assert.deepEqual(r.anomalies, {}, 'a UDP length of 2008 is right for the datagram');
  assert.equal(first.partialFragment, true);
  assert.equal(first.tunnel, Tunnel.None);
  assert.equal(first.dport, 4789);
  assert.equal(first.payloadLen, 1480 - 8);
});

test('IPv4 options: the first fragment\'s header, options included, heads the datagram', () => {
  const o: Ipv4Options = { ...V4, options: [0x94, 0x04, 0x00, 0x00] };
  const frags = fragmentIpv4(o, UDP_3000, 1480).map((f) => ethernet(0x0800, f));
  const r = new Reassembly();
  let last = r.feed(frags[0]!);
  assert.equal(last.payloadLen, 1480 - 8);
  for (const f of frags.slice(1)) last = r.feed(f);
  assert.equal(last.reassembled, true);
  const d = last.datagram!;
  assert.equal(d[0], 0x46);
  assert.equal((d[2]! << 8) | d[3]!, 24 + 3008);
  assert.deepEqual(d.subarray(20, 24), Uint8Array.from([0x94, 0x04, 0x00, 0x00]));
  assert.deepEqual(d.subarray(24), UDP_3000);
  assert.equal(last.sport, 5000);
  assert.equal(last.payloadLen, 3000);
});

test('IPv4: datagrams are told apart by id, addresses and protocol (hash collisions included)', () => {
  const r = new Reassembly();
  // same id: forward and reverse direction (the same hash), another source, another protocol, another id
  const variants: Partial<Ipv4Options>[] = [
    {},
    { src: '10.0.0.53', dst: '10.0.0.1' },
    { src: '10.0.0.3' },
    { proto: 253 },
    { id: 0x1235 },
  ];
  const streams = variants.map((v, i) => fragmentIpv4({ ...V4, ...v }, udp(5000 + i, 53, pattern(3000, i)), 1480).map((f) => ethernet(0x0800, f)));
  // interleave: all first fragments, then all middles, then all lasts
  const done: Snap[] = [];
  for (let k = 0; k < 3; k++) {
    for (const s of streams) {
      const snap = r.feed(s[k]!);
      if (snap.reassembled) done.push(snap);
    }
  }
  assert.deepEqual(r.anomalies, {});
  assert.equal(done.length, variants.length);
  done.forEach((s, i) => {
    const proto = variants[i]!.proto ?? 17;
    assert.deepEqual(s.datagram!.subarray(20), udp(5000 + i, 53, pattern(3000, i)), `datagram ${i}`);
    assert.equal(s.l4Proto, proto);
    assert.equal(s.src, ipv4Words(variants[i]!.src ?? V4.src));
    assert.equal(s.fragmentFrames, 2);
  });
  assert.equal(r.inProgress, 0);
});

test('overlapping fragments: fragment_overlap, the first writer wins (same offset, or the later one at a higher offset)', () => {
  // A [0,16) then B [8,24): B's first half loses against A
  const r = new Reassembly();
  r.feed(raw4(0, true, fill(16, 'A')), 0, undefined, RAW);
  assert.deepEqual(r.anomalies, {});
  r.feed(raw4(8, true, fill(16, 'B')), 1, undefined, RAW);
  assert.deepEqual(r.anomalies, { fragment_overlap: 1 });
  const done = r.feed(raw4(24, false, fill(8, 'C')), 2, undefined, RAW);
  assert.equal(done.reassembled, true);
  assert.equal(ipv4Payload(done), 'A'.repeat(16) + 'B'.repeat(8) + 'C'.repeat(8));
  assert.deepEqual(r.anomalies, { fragment_overlap: 1 });

  // two different fragments at the same offset: the one that came first
  const same = new Reassembly();
  same.feed(raw4(0, true, fill(16, 'A')), 0, undefined, RAW);
  same.feed(raw4(0, true, fill(16, 'X')), 1, undefined, RAW);
  const sameDone = same.feed(raw4(16, false, fill(8, 'C')), 2, undefined, RAW);
  assert.equal(ipv4Payload(sameDone), 'A'.repeat(16) + 'C'.repeat(8));
  assert.deepEqual(same.anomalies, { fragment_overlap: 1 });

  // a last fragment reaching back into data already there
  const back = new Reassembly();
  back.feed(raw4(0, true, fill(16, 'A')), 0, undefined, RAW);
  const backDone = back.feed(raw4(8, false, fill(16, 'Z')), 1, undefined, RAW);
  assert.equal(ipv4Payload(backDone), 'A'.repeat(16) + 'Z'.repeat(8));
  assert.deepEqual(back.anomalies, { fragment_overlap: 1 });
});

test('overlapping fragments: the first writer wins when it has the higher offset', () => {
  // B [8,24) arrives before A [0,16): bytes 8..15 are B's
  const r = new Reassembly();
  r.feed(raw4(8, true, fill(16, 'B')), 0, undefined, RAW);
  r.feed(raw4(0, true, fill(16, 'A')), 1, undefined, RAW);
  const done = r.feed(raw4(24, false, fill(8, 'C')), 2, undefined, RAW);
  assert.deepEqual(r.anomalies, { fragment_overlap: 1 });
  assert.equal(ipv4Payload(done), 'A'.repeat(8) + 'B'.repeat(16) + 'C'.repeat(8));
});

test('conflicting last fragments: fragment_overlap, the first datagram length is kept', () => {
  const r = new Reassembly();
  r.feed(raw4(0, true, fill(8, 'A')), 0, undefined, RAW);
  r.feed(raw4(16, false, fill(8, 'C')), 1, undefined, RAW); // the datagram ends at 24
  const done = r.feed(raw4(8, false, fill(8, 'D')), 2, undefined, RAW); // claims it ends at 16
  assert.equal(r.anomalies['fragment_overlap'], 1);
  assert.equal(done.reassembled, true);
  assert.equal(ipv4Payload(done), 'A'.repeat(8) + 'D'.repeat(8) + 'C'.repeat(8));
});

test('a fragment starting beyond the end a later last fragment sets must not throw', () => {
  const r = new Reassembly();
  r.feed(raw4(16, true, fill(8, 'C')), 0, undefined, RAW); // [16,24), more to come
  r.feed(raw4(8, false, new Uint8Array(0)), 1, undefined, RAW); // last fragment: the datagram ends at 8
  let done: Snap | undefined;
  assert.doesNotThrow(() => {
    done = r.feed(raw4(0, true, fill(24, 'A')), 2, undefined, RAW); // [0,24): covers everything
  });
  assert.ok((r.anomalies['fragment_overlap'] ?? 0) >= 1);
  assert.equal(done!.reassembled, true);
  assert.equal(ipv4Payload(done!), 'A'.repeat(8));
});

test('duplicate fragments: reassembled once, fragment_overlap (as Zeek), every frame accounted', () => {
  const [f0, f1, f2] = UDP_FRAGS as [Uint8Array, Uint8Array, Uint8Array];
  // a duplicated middle fragment
  const mid = new Reassembly();
  mid.feed(f0, 0, wire(f0));
  assert.equal(mid.feed(f1, 1, wire(f1)).heldFragment, true);
  assert.equal(mid.feed(f1, 2, wire(f1)).heldFragment, true);
  const midDone = mid.feed(f2, 3, wire(f2));
  assert.deepEqual(mid.anomalies, { fragment_overlap: 1 });
  assert.equal(midDone.reassembled, true);
  assert.deepEqual(midDone.datagram!.subarray(20), UDP_3000);
  assert.equal(midDone.fragmentFrames, 3);
  assert.equal(midDone.fragmentWireBytes, 2 * wire(f1) + wire(f2));
  assert.deepEqual(accounting(mid.snaps), { packets: 1, payloadBytes: 3000, fragments: 3, fragmentBytes: 2 * wire(f1) + wire(f2), reassembled: 1 });

  // a duplicated first fragment is a second packet, like any duplicated packet
  const first = new Reassembly();
  assert.equal(first.feed(f0, 0).partialFragment, true);
  assert.equal(first.feed(f0, 1).partialFragment, true);
  first.feed(f1, 2);
  const firstDone = first.feed(f2, 3);
  assert.deepEqual(first.anomalies, { fragment_overlap: 1 });
  assert.deepEqual(firstDone.datagram!.subarray(20), UDP_3000);
  assert.equal(firstDone.countPacket, false);
  assert.equal(accounting(first.snaps).packets, 2);

  // a duplicate after completion starts a datagram of its own that can only time out
  const late = new Reassembly();
  for (const f of UDP_FRAGS) late.feed(f, 0);
  assert.equal(late.inProgress, 0);
  assert.equal(late.feed(f2, 1).heldFragment, true);
  assert.equal(late.inProgress, 1);
  late.decoder.fragments.expire(DEFAULT_FRAGMENT_LIMITS.timeoutMicros + 1);
  assert.deepEqual(late.anomalies, { fragment_timeout: 1 });
  assert.equal(late.inProgress, 0);
});

test('fragment_too_large: data beyond 65535 bytes drops the datagram', () => {
  // a lone fragment at the highest offset (65528) with 16 bytes
  const lone = new Reassembly();
  const s = lone.feed(raw4(65528, false, fill(16, 'x')), 0, undefined, RAW);
  assert.deepEqual(lone.anomalies, { fragment_too_large: 1 });
  assert.equal(s.heldFragment, true);
  assert.equal(lone.inProgress, 0);
  // 27 bytes at 65488 end at 65515, the most a 20-byte IPv4 header leaves: accepted
  const edge = new Reassembly();
  edge.feed(raw4(65488, false, fill(27, 'x')), 0, undefined, RAW);
  assert.deepEqual(edge.anomalies, {});
  assert.equal(edge.inProgress, 1);

  // a datagram in progress is dropped with it: its other fragments then never complete
  const r = new Reassembly();
  r.feed(raw4(0, true, fill(8, 'A')), 0, undefined, RAW);
  assert.equal(r.inProgress, 1);
  r.feed(raw4(65528, true, fill(16, 'x')), 1, undefined, RAW);
  assert.deepEqual(r.anomalies, { fragment_too_large: 1 });
  assert.equal(r.inProgress, 0);
  const after = r.feed(raw4(8, false, fill(8, 'B')), 2, undefined, RAW);
  assert.equal(after.reassembled, false);
  assert.equal(after.heldFragment, true);
  assert.equal(r.inProgress, 1);
});

test('IPv6 fragment_too_large: a 65535-byte payload reassembles, one byte more does not', () => {
  const ok = new Reassembly();
  ok.feed(v6frag(0, true, pattern(32768)));
  const done = ok.feed(v6frag(32768, false, pattern(32767)));
  assert.deepEqual(ok.anomalies, {});
  assert.equal(done.reassembled, true);
  assert.equal(done.ipEnd, 40 + 65535);
  assert.equal((done.datagram![4]! << 8) | done.datagram![5]!, 65535);

  const big = new Reassembly();
  big.feed(v6frag(0, true, pattern(32768)));
  const s = big.feed(v6frag(32768, false, pattern(32768)));
  assert.deepEqual(big.anomalies, { fragment_too_large: 1 });
  assert.equal(s.reassembled, false);
  assert.equal(s.heldFragment, true);
  assert.equal(big.inProgress, 0);
});

test('IPv4: a reassembled datagram larger than 65535 bytes (header included) → fragment_too_large', () => {
  // the largest valid datagram: 20 + 65515 bytes
  const ok = new Reassembly();
  ok.feed(raw4(0, true, pattern(32768)), 0, undefined, RAW);
  const max = ok.feed(raw4(32768, false, pattern(32747)), 1, undefined, RAW);
  assert.deepEqual(ok.anomalies, {});
  assert.equal(max.reassembled, true);
  assert.equal((max.datagram![2]! << 8) | max.datagram![3]!, 65535);
  // one byte more (the ping of death)
  const pod = new Reassembly();
  pod.feed(raw4(0, true, pattern(32768)), 0, undefined, RAW);
  const s = pod.feed(raw4(32768, false, pattern(32748)), 1, undefined, RAW);
  assert.deepEqual(pod.anomalies, { fragment_too_large: 1 });
  assert.equal(s.reassembled, false);
  assert.equal(pod.inProgress, 0);
});

test('fragment_table_full: beyond maxDatagrams a fragment is not kept, but a first fragment still counts', () => {
  const r = new Reassembly({ maxDatagrams: 2, timeoutMicros: 30_000_000 });
  const streams = [1, 2, 3, 4].map((id) => fragmentIpv4({ ...V4, id }, udp(6000 + id, 53, pattern(2000, id)), 1480).map((f) => ethernet(0x0800, f)));
  r.feed(streams[0]![0]!);
  r.feed(streams[1]![0]!);
  assert.equal(r.inProgress, 2);
  assert.deepEqual(r.anomalies, {});
  // a third datagram: its first fragment is decoded and counted, not stored
  const third = r.feed(streams[2]![0]!);
  assert.deepEqual(r.anomalies, { fragment_table_full: 1 });
  assert.equal(third.partialFragment, true);
  assert.equal(third.countPacket, true);
  assert.equal(third.sport, 6003);
  assert.equal(r.inProgress, 2);
  // a fourth datagram's later fragment: held, not stored
  assert.equal(r.feed(streams[3]![1]!).heldFragment, true);
  assert.deepEqual(r.anomalies, { fragment_table_full: 2 });
  // the third datagram's rest finds no entry: the table is still full
  assert.equal(r.feed(streams[2]![1]!).heldFragment, true);
  assert.deepEqual(r.anomalies, { fragment_table_full: 3 });
  // datagrams in the table still complete, and free their entry
  const done = r.feed(streams[0]![1]!);
  assert.equal(done.reassembled, true);
  assert.equal(done.sport, 6001);
  assert.equal(r.inProgress, 1);
  r.feed(streams[3]![0]!);
  assert.equal(r.inProgress, 2);
  assert.deepEqual(r.anomalies, { fragment_table_full: 3 });
});

test('timeouts: expire() drops datagrams older than timeoutMicros and counts fragment_timeout', () => {
  const r = new Reassembly({ maxDatagrams: 16, timeoutMicros: 30_000_000 });
  const a = fragmentIpv4({ ...V4, id: 1 }, UDP_3000, 1480).map((f) => ethernet(0x0800, f));
  const b = fragmentIpv4({ ...V4, id: 2 }, UDP_3000, 1480).map((f) => ethernet(0x0800, f));
  const c = fragmentIpv4({ ...V4, id: 3 }, UDP_3000, 1480).map((f) => ethernet(0x0800, f));
  r.feed(a[0]!, 0);
  r.feed(b[1]!, 10_000_000);
  for (const f of c) r.feed(f, 15_000_000); // completes: never times out
  assert.equal(r.inProgress, 2);
  const fragments = r.decoder.fragments;
  fragments.expire(29_999_999);
  assert.deepEqual(r.anomalies, {});
  assert.equal(r.inProgress, 2);
  fragments.expire(30_000_000);
  assert.deepEqual(r.anomalies, { fragment_timeout: 1 });
  assert.equal(r.inProgress, 1);
  fragments.expire(40_000_000);
  assert.deepEqual(r.anomalies, { fragment_timeout: 2 });
  assert.equal(r.inProgress, 0);
  fragments.expire(100_000_000);
  assert.deepEqual(r.anomalies, { fragment_timeout: 2 });
  // the rest of a timed-out datagram starts over and cannot complete it
  const rest = r.feed(a[1]!, 100_000_001);
  assert.equal(rest.heldFragment, true);
  assert.equal(r.feed(a[2]!, 100_000_002).reassembled, false);
  assert.equal(r.inProgress, 1);
});

test('timeouts: a new datagram expires old ones first, so a full table makes room', () => {
  const r = new Reassembly({ maxDatagrams: 1, timeoutMicros: 1_000_000 });
  const a = fragmentIpv4({ ...V4, id: 1 }, UDP_3000, 1480).map((f) => ethernet(0x0800, f));
  const b = fragmentIpv4({ ...V4, id: 2 }, UDP_3000, 1480).map((f) => ethernet(0x0800, f));
  r.feed(a[0]!, 0);
  r.feed(b[0]!, 500_000);
  assert.deepEqual(r.anomalies, { fragment_table_full: 1 });
  r.feed(b[1]!, 1_000_000);
  assert.deepEqual(r.anomalies, { fragment_table_full: 1, fragment_timeout: 1 });
  assert.equal(r.inProgress, 1);
  r.feed(b[2]!, 1_000_001);
  r.feed(b[0]!, 1_000_002);
  assert.equal(r.snaps.at(-1)!.reassembled, true);
  assert.equal(r.inProgress, 0);
});

test('timeouts: a fragment arriving after its datagram timed out does not complete it', () => {
  const r = new Reassembly({ maxDatagrams: 16, timeoutMicros: 1_000_000 });
  r.feed(raw4(0, true, fill(8, 'A')), 0, undefined, RAW);
  const late = r.feed(raw4(8, false, fill(8, 'B')), 5_000_000, undefined, RAW);
  assert.equal(late.reassembled, false);
  assert.equal(late.heldFragment, true);
  assert.deepEqual(r.anomalies, { fragment_timeout: 1 });
});

test('timeouts: a datagram created while an expired one leaves its hash chain still completes', () => {
  const r = new Reassembly({ maxDatagrams: 16, timeoutMicros: 1_000_000 });
  // the reverse direction with the same id and protocol hashes alike
  r.feed(raw4(0, true, fill(8, 'A')), 0, undefined, RAW);
  const rev = { src: '192.0.2.2', dst: '192.0.2.1' };
  r.feed(raw4(0, true, fill(8, 'R'), rev), 2_000_000, undefined, RAW); // expires the first datagram
  const done = r.feed(raw4(8, false, fill(8, 'S'), rev), 2_000_001, undefined, RAW);
  assert.deepEqual(r.anomalies, { fragment_timeout: 1 });
  assert.equal(done.reassembled, true);
  assert.equal(ipv4Payload(done), 'R'.repeat(8) + 'S'.repeat(8));
  assert.equal(r.inProgress, 0);
});

// IPv6: a 2008-byte UDP datagram in fragments of 1448 + 560 bytes
const UDP6 = udp(6000, 53, pattern(2000, 3));
const V6_FRAGS = [v6frag(0, true, UDP6.subarray(0, 1448)), v6frag(1448, false, UDP6.subarray(1448))];

test('IPv6: two fragments in order and reversed; 32-bit id; the datagram has no fragment header', () => {
  for (const order of [[0, 1], [1, 0]]) {
    const r = new Reassembly();
    const a = r.feed(V6_FRAGS[order[0]!]!, 0, wire(V6_FRAGS[order[0]!]!));
    const b = r.feed(V6_FRAGS[order[1]!]!, 1, wire(V6_FRAGS[order[1]!]!));
    assert.deepEqual(r.anomalies, {});
    if (order[0] === 0) {
      assert.equal(a.partialFragment, true);
      assert.equal(a.ipVersion, 6);
      assert.equal(a.sport, 6000);
      assert.equal(a.payloadLen, 1448 - 8);
      assert.equal(b.countPacket, false);
      assert.equal(b.fragmentPayloadBytes, 2008 - 1448);
    } else {
      assert.equal(a.heldFragment, true);
      assert.equal(b.countPacket, true);
    }
    assert.equal(b.reassembled, true);
    assert.equal(b.ipVersion, 6);
    assert.equal(b.src, 0x20010db8);
    assert.equal(b.l4Proto, 17);
    assert.equal(b.sport, 6000);
    assert.equal(b.dport, 53);
    assert.equal(b.payloadLen, 2000);
    assert.equal(b.fragmentFrames, 1);
    assert.equal(b.fragmentWireBytes, wire(V6_FRAGS[1]!));
    const d = b.datagram!;
    assert.equal(d.length, 40 + 2008);
    assert.equal((d[4]! << 8) | d[5]!, 2008, 'payload length');
    assert.equal(d[6], 17, 'next header: the fragment header\'s');
    assert.deepEqual(d.subarray(40), UDP6);
    assert.deepEqual(accounting(r.snaps), { packets: 1, payloadBytes: 2000, fragments: 1, fragmentBytes: wire(V6_FRAGS[1]!), reassembled: 1 });
    assert.equal(r.inProgress, 0);
  }
});

test('IPv6: datagrams with other ids do not mix; overlaps are counted', () => {
  const r = new Reassembly();
  r.feed(v6frag(0, true, UDP6.subarray(0, 1448), 1));
  r.feed(v6frag(0, true, UDP6.subarray(0, 1448), 2));
  assert.equal(r.inProgress, 2);
  const done = r.feed(v6frag(1448, false, UDP6.subarray(1448), 2));
  assert.equal(done.reassembled, true);
  assert.equal(r.inProgress, 1);
  // an overlapping fragment of datagram 1
  r.feed(v6frag(1440, true, pattern(16)));
  assert.deepEqual(r.anomalies, {}, 'other id: no overlap');
  r.feed(v6frag(1440, true, pattern(16), 1));
  assert.deepEqual(r.anomalies, { fragment_overlap: 1 });
});

test('IPv6: extension headers before the fragment header are dropped from the datagram', () => {
  // Ethernet[IPv6[Hop-by-Hop[Fragment[UDP …]]]]
  const withHbh = (offset: number, more: boolean, data: Uint8Array): Uint8Array =>
    ethernet(0x86dd, ipv6({ ...V6, next: 0 }, concat(hex('2c 00 01 04 00 00 00 00 # Hop-by-Hop: next Fragment, PadN'), ipv6Fragment(17, offset, more, 5, data))));
  const r = new Reassembly();
  const first = r.feed(withHbh(0, true, UDP6.subarray(0, 1448)));
  assert.equal(first.partialFragment, true);
  assert.equal(first.sport, 6000);
  const done = r.feed(withHbh(1448, false, UDP6.subarray(1448)));
  assert.deepEqual(r.anomalies, {});
  assert.equal(done.reassembled, true);
  assert.equal(done.datagram![6], 17);
  assert.deepEqual(done.datagram!.subarray(40), UDP6);
  assert.equal(done.payloadLen, 2000);
});

test('IPv6: a fragmentable part that starts with an extension header', () => {
  // Ethernet[IPv6[Fragment[Destination Options[UDP …]]]]: the reassembled datagram walks the header
  const data = concat(hex('11 00 01 04 00 00 00 00 # Destination Options: next UDP, PadN'), UDP6);
  const r = new Reassembly();
  r.feed(v6frag(0, true, data.subarray(0, 1448), 9, 60));
  const done = r.feed(v6frag(1448, false, data.subarray(1448), 9, 60));
  assert.deepEqual(r.anomalies, {});
  assert.equal(done.reassembled, true);
  assert.equal(done.l4Proto, 17);
  assert.equal(done.sport, 6000);
  assert.equal(done.payloadLen, 2000);
});

test('IPv6: the first fragment of such a datagram is keyed on its transport too', () => {
  const data = concat(hex('11 00 01 04 00 00 00 00 # Destination Options: next UDP, PadN'), UDP6);
  const r = new Reassembly();
  const first = r.feed(v6frag(0, true, data.subarray(0, 1448), 9, 60));
  assert.equal(first.partialFragment, true);
  assert.equal(first.l4Proto, 17);
  assert.equal(first.sport, 6000);
  assert.equal(first.dport, 53);
});

test('IPv6: non-first fragments whose fragment header names another next header still join the datagram', () => {
  const r = new Reassembly();
  r.feed(v6frag(0, true, UDP6.subarray(0, 1448), 7, 17));
  const done = r.feed(v6frag(1448, false, UDP6.subarray(1448), 7, 6));
  assert.equal(done.reassembled, true);
  assert.equal(done.l4Proto, 17);
  assert.equal(done.sport, 6000);
});

test('fragments inside an IP-in-IP tunnel are reassembled in the tunnel', () => {
  const inner = fragmentIpv4(V4, UDP_3000, 1480);
  const frames = inner.map((f) => ethernet(0x0800, ipv4({ src: '192.0.2.1', dst: '192.0.2.2', proto: 4 }, f)));
  const r = new Reassembly();
  const first = r.feed(frames[0]!);
  assert.equal(first.partialFragment, true);
  assert.equal(first.tunnel, Tunnel.IpInIp);
  assert.equal(first.src, ipv4Words('10.0.0.1'));
  assert.equal(r.feed(frames[1]!).heldFragment, true);
  const done = r.feed(frames[2]!);
  assert.deepEqual(r.anomalies, {});
  assert.equal(done.reassembled, true);
  assert.equal(done.tunnel, Tunnel.IpInIp);
  assert.equal(done.src, ipv4Words('10.0.0.1'));
  assert.equal(done.sport, 5000);
  assert.equal(done.payloadLen, 3000);
  assert.equal(done.fragmentFrames, 2);
});

test('the accounting fields are reset for the packet after a reassembled one', () => {
  const r = new Reassembly();
  for (const f of UDP_FRAGS.slice(1)) r.feed(f);
  assert.equal(r.feed(UDP_FRAGS[0]!).reassembled, true);
  const plain = r.feed(ethernet(0x0800, ipv4(V4, udp(1, 2, pattern(10)))));
  assert.equal(plain.reassembled, false);
  assert.equal(plain.heldFragment, false);
  assert.equal(plain.partialFragment, false);
  assert.equal(plain.countPacket, true);
  assert.equal(plain.fragmentFrames, 0);
  assert.equal(plain.fragmentWireBytes, 0);
  assert.equal(plain.fragmentPayloadBytes, 0);
  assert.equal(plain.payloadLen, 10);
  // and after a held one
  r.feed(UDP_FRAGS[1]!);
  assert.equal(r.feed(ethernet(0x0800, ipv4(V4, udp(1, 2, pattern(10))))).heldFragment, false);
});

/** Cuts `payload` into fragments at random 8-byte boundaries, some overlapping, in random order with duplicates. */
function randomFragments(rnd: () => number, payload: Uint8Array, mk: (offset: number, more: boolean, data: Uint8Array) => Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let off = 0;
  while (off < payload.length) {
    const len = 8 * (1 + Math.floor(rnd() * 40));
    const start = off > 0 && rnd() < 0.3 ? off - 8 * (1 + Math.floor(rnd() * Math.min(4, off / 8))) : off;
    const end = Math.min(payload.length, start + len);
    frames.push(mk(start, end < payload.length, payload.subarray(start, end)));
    off = end;
  }
  for (let i = frames.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [frames[i], frames[j]] = [frames[j]!, frames[i]!];
  }
  if (rnd() < 0.3) frames.splice(Math.floor(rnd() * frames.length), 0, frames[Math.floor(rnd() * frames.length)]!);
  return frames;
}

test('fuzz: consistent fragments in any order, overlapping or duplicated, rebuild the exact datagram once', () => {
  const rnd = seededRandom(0xf4a9);
  const r = new Reassembly();
  let ts = 0;
  for (let i = 0; i < 400; i++) {
    const v6 = rnd() < 0.5;
    const payload = udp(1000 + i, 53, pattern(400 + Math.floor(rnd() * 3000), i)); // 2 fragments at least
    const id = 1 + i;
    const frames = v6
      ? randomFragments(rnd, payload, (o, m, d) => v6frag(o, m, d, id))
      : randomFragments(rnd, payload, (o, m, d) => ethernet(0x0800, ipv4({ ...V4, id, fragmentOffset: o, moreFragments: m }, d)));
    const completed: Snap[] = [];
    for (const f of frames) {
      const s = r.feed(f, ts++);
      if (s.reassembled) completed.push(s);
    }
    const where = `datagram ${i} (IPv${v6 ? 6 : 4}, ${frames.length} frames)`;
    assert.ok(completed.length >= 1, where);
    const d = completed[0]!.datagram!;
    assert.deepEqual(d.subarray(v6 ? 40 : 20), payload, where);
    assert.equal(completed[0]!.sport, 1000 + i, where);
    assert.equal(completed[0]!.payloadLen, payload.length - 8, where);
    // a duplicate (or a fragment made redundant by overlaps) arriving after completion starts over and times out
    r.decoder.fragments.expire(ts + DEFAULT_FRAGMENT_LIMITS.timeoutMicros);
    ts += DEFAULT_FRAGMENT_LIMITS.timeoutMicros + 1;
    assert.equal(r.inProgress, 0, where);
  }
  const counts = r.anomalies;
  for (const name of Object.keys(counts)) assert.ok(['fragment_overlap', 'fragment_timeout'].includes(name), `unexpected ${name}`);
});

test('fuzz: mutated fragment streams never throw and keep off/end inside the buffer', () => {
  const rnd = seededRandom(0xf7a6);
  const r = new Reassembly({ maxDatagrams: 8, timeoutMicros: 5_000 });
  const streams = [
    UDP_FRAGS, V6_FRAGS, [ICMP_FRAG_1, ICMP_FRAG_2],
    fragmentIpv4({ ...V4, proto: 6 }, tcp(1, 2, TCP_ACK, pattern(300)), 64).map((f) => ethernet(0x0800, f)),
  ];
  let reassembled = 0;
  let ts = 0;
  for (let i = 0; i < 6000; i++) {
    const stream = streams[Math.floor(rnd() * streams.length)]!;
    for (const f of stream) {
      const data = rnd() < 0.5 ? mutate(f, rnd) : f;
      const where = `round ${i}: ${Buffer.from(data).toString('hex')}`;
      let s: Snap | undefined;
      assert.doesNotThrow(() => {
        s = r.feed(data, (ts += 1 + Math.floor(rnd() * 500)), rnd() < 0.2 ? data.length + 100 : data.length);
      }, where);
      const q = s!;
      if (q.reassembled) {
        reassembled++;
        assert.ok(q.off <= q.end && q.end === q.datagram!.length, where);
      } else {
        assert.ok(q.off <= q.end && q.end <= data.length, `${where}: off ${q.off} end ${q.end}`);
      }
      // (fragmentPayloadBytes may be negative: a last fragment that ends inside the first one shrinks
      // the datagram below what the first fragment counted)
      assert.ok(q.fragmentFrames >= 0 && Math.abs(q.fragmentPayloadBytes) <= 65535, where);
    }
    assert.ok(r.inProgress <= 8);
  }
  assert.ok(reassembled > 500, `only ${reassembled} datagrams reassembled`);
});
