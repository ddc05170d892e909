// Shared by the tunnel decoder tests (src/wire/{mpls,pppoe,gre,vxlan,geneve,gtp,capwap,teredo}.test.ts):
// decoding through the real PacketDecoder, address helpers, and a seeded fuzz loop.
import assert from 'node:assert/strict';
import { ANOMALY_NAMES, AnomalyCounters } from '../decode/anomaly.js';
import { LAYER_DECODERS, PacketDecoder } from '../decode/decoder.js';
import { Layer, Tunnel } from '../decode/layers.js';
import { type DecodedPacket, MAX_TUNNEL_DEPTH } from '../decode/packet.js';

export const ETHERNET = 1;

export interface Decoded {
  p: DecodedPacket;
  counters: AnomalyCounters;
  /** names of the anomalies counted for this packet, e.g. { truncated_gre: 1 } */
  anomalies: Record<string, number>;
}

/** Decodes one Ethernet frame; `capLen` < `buf.length` models a capture cut by the snap length. */
export function decode(buf: Uint8Array, capLen = buf.length, wireLen = buf.length, linkType = ETHERNET): Decoded {
  const counters = new AnomalyCounters();
  const p = new PacketDecoder(counters).decode(buf, 0, capLen, wireLen, 0, linkType);
  return { p, counters, anomalies: counters.toObject() };
}

/**
 * Runs the decode loop of PacketDecoder by hand and stops before the `occurrence`-th decoder of layer
 * `stop` would run: to look at the state a decoder hands to the next layer, or to stop before a
 * layer whose decoder is not under test here (PPP after PPTP GRE, 802.11 after CAPWAP).
 */
export function decodeUntil(buf: Uint8Array, stop: number, occurrence = 1): { p: DecodedPacket; layer: number; anomalies: Record<string, number> } {
  const counters = new AnomalyCounters();
  const p = new PacketDecoder(counters).packet;
  p.reset(buf, 0, buf.length, buf.length, 0, ETHERNET);
  let layer: number = Layer.Ethernet;
  let seen = 0;
  for (let n = 0; layer !== Layer.End && n < 48; n++) {
    if (layer === stop && ++seen === occurrence) break;
    layer = LAYER_DECODERS[layer]!(p);
  }
  return { p, layer, anomalies: counters.toObject() };
}

export function ip4(dotted: string): number {
  return dotted.split('.').reduce((w, part) => w * 256 + Number(part), 0);
}

/** IPv6 address as four 32-bit words (full or ::-compressed notation) */
export function ip6(text: string): number[] {
  const [head, tail] = text.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  assert.equal(groups.length, 8, `bad IPv6 address ${text}`);
  const words: number[] = [];
  for (let i = 0; i < 8; i += 2) words.push(parseInt(groups[i]!, 16) * 65536 + parseInt(groups[i + 1]!, 16));
  return words;
}

export function assertIpv4(p: DecodedPacket, src: string, dst: string): void {
  assert.equal(p.ipVersion, 4);
  assert.equal(p.addr[0], ip4(src), 'source');
  assert.equal(p.addr[4], ip4(dst), 'destination');
}

export function assertIpv6(p: DecodedPacket, src: string, dst: string): void {
  assert.equal(p.ipVersion, 6);
  assert.deepEqual([...p.addr.subarray(0, 4)], ip6(src), 'source');
  assert.deepEqual([...p.addr.subarray(4, 8)], ip6(dst), 'destination');
}

export function assertTransport(p: DecodedPacket, proto: number, sport: number, dport: number): void {
  assert.equal(p.l4Proto, proto, 'l4Proto');
  assert.equal(p.sport, sport, 'sport');
  assert.equal(p.dport, dport, 'dport');
}

/** mulberry32: a small seeded PRNG so a failing fuzz case can be replayed */
/** A copy of `buf` with `values` written at `offset` (one damaged field per test). */
export function withBytes(buf: Uint8Array, offset: number, ...values: number[]): Uint8Array {
  const copy = buf.slice();
  copy.set(values, offset);
  return copy;
}

/**
 * The frame decodes as plain UDP between the fixtures' outer addresses, 192.0.2.1 → 192.0.2.2 on
 * the given ports: the tunnel inside was refused, with exactly `expectAnomalies`.
 */
export function assertOuterUdp(buf: Uint8Array, sport: number, dport: number, capLen = buf.length, expectAnomalies: Record<string, number> = {}): void {
  const { p, anomalies } = decode(buf, capLen);
  assert.deepEqual(anomalies, expectAnomalies);
  assert.equal(p.tunnel, Tunnel.None);
  assert.equal(p.tunnelDepth, 0);
  assertIpv4(p, '192.0.2.1', '192.0.2.2');
  assertTransport(p, 17, sport, dport);
}

import { seededRandom as prng } from '../classify/seeded-random.js';
export { prng };

const INTERESTING = [0x00, 0x01, 0x02, 0x03, 0x04, 0x06, 0x08, 0x0c, 0x10, 0x11, 0x20, 0x30, 0x32, 0x40, 0x45, 0x60, 0x65, 0x7f, 0x80, 0x88, 0xfe, 0xff];

function snapshot(p: DecodedPacket): string {
  return [
    p.ipVersion, [...p.addr].join(','), p.l4Proto, p.sport, p.dport, p.tunnel, p.tunnelDepth, p.vlan,
    p.anomaly, p.off, p.end, p.payloadOffset, p.payloadLen, p.heldFragment,
  ].join('|');
}

export interface FuzzResult {
  /** mutated packets whose outermost tunnel kind was `kind` */
  reachedTunnel: number;
  /** mutated packets that raised at least one anomaly */
  withAnomaly: number;
  /** mutated packets that ended with an IP header */
  withIp: number;
}

/**
 * Decodes `iterations` mutations of `seeds` (byte flips, interesting values, snap-length cuts, shortened
 * frames, random garbage) and checks that decoding never throws and keeps its invariants. Each input
 * is decoded twice, once followed by 0x00 bytes and once by 0xFF bytes beyond the captured length:
 * a decoder that reads past `p.end` gives different results and fails the comparison.
 */
export function fuzz(seeds: readonly Uint8Array[], iterations: number, seed: number, kind: number): FuzzResult {
  const rnd = prng(seed);
  const pick = (n: number) => Math.floor(rnd() * n);
  const zeros = new PacketDecoder(new AnomalyCounters());
  const ones = new PacketDecoder(new AnomalyCounters());
  const result: FuzzResult = { reachedTunnel: 0, withAnomaly: 0, withIp: 0 };
  for (let i = 0; i < iterations; i++) {
    const base = seeds[pick(seeds.length)]!;
    let data = base.slice();
    let capLen = data.length;
    let wireLen = data.length;
    const mutations = 1 + pick(4);
    for (let m = 0; m < mutations; m++) {
      switch (pick(6)) {
        case 0: // flip random bits
          if (data.length > 0) data[pick(data.length)]! ^= 1 << pick(8);
          break;
        case 1: // an interesting value somewhere
          if (data.length > 0) data[pick(data.length)] = INTERESTING[pick(INTERESTING.length)]!;
          break;
        case 2: // random byte
          if (data.length > 0) data[pick(data.length)] = pick(256);
          break;
        case 3: // cut by the snap length: the wire held the whole frame
          capLen = pick(capLen + 1);
          break;
        case 4: // a shorter frame whose length fields now lie
          data = data.slice(0, pick(data.length + 1));
          capLen = Math.min(capLen, data.length);
          wireLen = data.length;
          break;
        default: // garbage after the first 14..60 bytes
          for (let k = 14 + pick(47); k < data.length; k++) data[k] = pick(256);
      }
    }
    const a = new Uint8Array(capLen + 64);
    const b = new Uint8Array(capLen + 64).fill(0xff);
    a.set(data.subarray(0, capLen));
    b.set(data.subarray(0, capLen));
    const where = `iteration ${i} (seed ${seed}): ${Buffer.from(data.subarray(0, capLen)).toString('hex')} wire ${wireLen}`;
    const pa = zeros.decode(a, 0, capLen, wireLen, i, ETHERNET);
    const sa = snapshot(pa);
    const tunnel = pa.tunnel;
    const anomaly = pa.anomaly;
    const withIp = pa.ipVersion !== 0;
    assert.ok(pa.ipVersion === 0 || pa.ipVersion === 4 || pa.ipVersion === 6, where);
    assert.ok(pa.tunnelDepth <= MAX_TUNNEL_DEPTH, where);
    if (!pa.reassembled) assert.ok(pa.off <= pa.end && pa.end <= capLen, `${where}: off ${pa.off} end ${pa.end}`);
    assert.ok(pa.anomaly === -1 || ANOMALY_NAMES[pa.anomaly] !== undefined, where);
    const pb = ones.decode(b, 0, capLen, wireLen, i, ETHERNET);
    assert.equal(snapshot(pb), sa, `read past the captured bytes: ${where}`);
    if (tunnel === kind) result.reachedTunnel++;
    if (anomaly >= 0) result.withAnomaly++;
    if (withIp) result.withIp++;
  }
  return result;
}
