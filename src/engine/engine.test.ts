import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flowRecord, type EndReason } from '../flow/schema.js';
import { type FlowTable } from '../flow/table.js';
import {
  bytesOf, ethernet, fragmentIpv4, ipv4, ipv6, ipv6Fragment, tcp, TCP_ACK, TCP_SYN, udp,
} from '../test-support/packet-builder.js';
import { Engine, type EngineOptions } from './engine.js';
import { Anomaly } from '../decode/anomaly.js';

type Rec = Record<string, unknown>;

function run(frames: { ts: number; data: Uint8Array; wireLen?: number }[], options: Partial<EngineOptions> = {}): { records: Rec[]; engine: Engine } {
  const records: Rec[] = [];
  const engine = new Engine({ idleTimeoutS: 0, activeTimeoutS: 0, maxFlows: 1000, ...options }, (table: FlowTable, id: number, endReason: EndReason) => {
    records.push(flowRecord({ table, id, capture: 'test', endReason, dpi: null }));
  });
  for (const f of frames) engine.onPacket(f.data, 0, f.data.length, f.wireLen ?? f.data.length, f.ts, 1);
  engine.flush();
  return { records, engine };
}

const dnsQuery = (sport: number, ts: number): { ts: number; data: Uint8Array } => ({
  ts, data: ethernet(0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.53', proto: 17 }, udp(sport, 53, bytesOf('query')))),
});

test('IPv4 fragments: the first fragment counts as the packet, the others as fragments, payload whole', () => {
  const payload = udp(5000, 53, new Uint8Array(3000).fill(7));
  const frags = fragmentIpv4({ src: '10.0.0.1', dst: '10.0.0.53', proto: 17, id: 99 }, payload, 1480);
  assert.equal(frags.length, 3);
  // out of order: last, first, middle
  const frames = [frags[2]!, frags[0]!, frags[1]!].map((f, i) => ({ ts: 1_000_000 + i, data: ethernet(0x0800, f) }));
  const { records, engine } = run(frames);
  assert.equal(records.length, 1);
  const r = records[0]!;
  assert.equal(r['sport'], 5000);
  assert.equal(r['dport'], 53);
  assert.equal(r['packets_c2s'], 1);
  assert.equal(r['bytes_c2s'], frames[1]!.data.length);
  assert.equal(r['fragments_c2s'], 2);
  assert.equal(r['fragment_bytes_c2s'], frames[0]!.data.length + frames[2]!.data.length);
  assert.equal(r['payload_bytes_c2s'], 3000);
  assert.equal(engine.stats.datagramsReassembled, 1);
});

test('IPv6 fragments are reassembled the same way', () => {
  const payload = udp(6000, 53, new Uint8Array(2000).fill(1));
  const first = payload.subarray(0, 1448);
  const second = payload.subarray(1448);
  const mk = (off: number, more: boolean, data: Uint8Array): Uint8Array =>
    ethernet(0x86dd, ipv6({ src: '2001:db8::1', dst: '2001:db8::53', next: 44 }, ipv6Fragment(17, off, more, 0xabcd, data)));
  const { records } = run([{ ts: 1, data: mk(0, true, first) }, { ts: 2, data: mk(1448, false, second) }]);
  assert.equal(records.length, 1);
  assert.equal(records[0]!['src'], '2001:db8::1');
  assert.equal(records[0]!['packets_c2s'], 1);
  assert.equal(records[0]!['fragments_c2s'], 1);
  assert.equal(records[0]!['payload_bytes_c2s'], 2000);
});

test('a lone first fragment still counts; a lone later fragment times out as an anomaly', () => {
  const payload = udp(5001, 53, new Uint8Array(3000));
  const frags = fragmentIpv4({ src: '10.0.0.1', dst: '10.0.0.53', proto: 17, id: 7 }, payload, 1480);
  const lone = fragmentIpv4({ src: '10.0.0.9', dst: '10.0.0.53', proto: 17, id: 8 }, payload, 1480)[1]!;
  const frames = [
    { ts: 0, data: ethernet(0x0800, frags[0]!) },
    { ts: 1, data: ethernet(0x0800, lone) },
    { ts: 60_000_000, data: dnsQuery(1, 60_000_000).data }, // capture time moves past the 30 s fragment timeout
  ];
  const { records, engine } = run(frames);
  const first = records.find((r) => r['sport'] === 5001)!;
  assert.equal(first['packets_c2s'], 1);
  assert.equal(first['fragments_c2s'], 0);
  assert.equal(engine.stats.fragmentsHeld, 1);
  engine.decoder.fragments.expire(120_000_000);
  assert.ok((engine.anomalies.toObject()['fragment_timeout'] ?? 0) >= 1);
});

test('idle timeout writes a flow when capture time passes it; a later packet starts a new flow', () => {
  const { records } = run([dnsQuery(1000, 0), dnsQuery(1000, 5_000_000), dnsQuery(1000, 200_000_000)], { idleTimeoutS: 60 });
  assert.equal(records.length, 2);
  assert.equal(records[0]!['end_reason'], 'idle');
  assert.equal(records[0]!['packets_c2s'], 2);
  assert.equal(records[1]!['end_reason'], 'end');
  assert.equal(records[1]!['packets_c2s'], 1);
});

test('active timeout splits a long flow into records that keep its orientation', () => {
  const frames = [];
  for (let s = 0; s <= 100; s += 10) frames.push(dnsQuery(1001, s * 1_000_000));
  const { records } = run(frames, { activeTimeoutS: 30 });
  assert.ok(records.length >= 3);
  assert.ok(records.slice(0, -1).every((r) => r['end_reason'] === 'active'));
  assert.equal(records.reduce((n, r) => n + (r['packets_c2s'] as number), 0), 11);
  assert.ok(records.every((r) => r['src'] === '10.0.0.1'));
});

test('stats: a record written by the active timeout counts as written, and its flow as still live', () => {
  const records: Rec[] = [];
  const engine = new Engine({ idleTimeoutS: 0, activeTimeoutS: 30, maxFlows: 1000 }, (table, id, endReason) => {
    records.push(flowRecord({ table, id, capture: 'test', endReason, dpi: null }));
  });
  for (let s = 0; s <= 100; s += 10) {
    const f = dnsQuery(1001, s * 1_000_000);
    engine.onPacket(f.data, 0, f.data.length, f.data.length, f.ts, 1);
  }
  const s = engine.stats;
  assert.equal(s.flowsEnded, records.length);
  assert.equal(s.flowsContinued, records.length);
  assert.equal(s.flowsCreated - s.flowsEnded + s.flowsContinued, 1, 'one flow in the table');
  assert.equal(engine.flows.live, 1);
  engine.flush();
  assert.equal(s.flowsEnded, records.length);
  assert.equal(s.flowsCreated - s.flowsEnded + s.flowsContinued, 0);
});

test('max flows evicts the least recently active flow', () => {
  const frames = [0, 1, 2, 3, 4].map((i) => dnsQuery(2000 + i, i));
  const { records, engine } = run(frames, { maxFlows: 3 });
  assert.equal(records.length, 5);
  assert.deepEqual(records.filter((r) => r['end_reason'] === 'evicted').map((r) => r['sport']), [2000, 2001]);
  assert.equal(engine.anomalies.toObject()['flow_table_full'], 2);
});

test('an IP length beyond the whole frame is a malformed packet kept out of flows; a snap-length cut is counted', () => {
  const bad = ethernet(0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6, totalLength: 1500 }, tcp(1, 2, TCP_SYN)));
  const good = ethernet(0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6 }, tcp(3, 4, TCP_SYN, new Uint8Array(1000))));
  const cut = good.subarray(0, 80);
  const { records, engine } = run([{ ts: 0, data: bad }, { ts: 1, data: cut, wireLen: good.length }]);
  assert.equal(engine.stats.malformedPackets, 1);
  assert.equal(engine.anomalies.toObject()['ip_length_exceeds_capture'], 1);
  assert.equal(records.length, 1);
  assert.equal(records[0]!['sport'], 3);
  assert.equal(records[0]!['bytes_c2s'], good.length);
  assert.equal(records[0]!['payload_bytes_c2s'], 1000);
});

test('VLAN ids key flows apart; QinQ uses the innermost id', () => {
  const mk = (vlans: number[]): Uint8Array => ethernet(0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6 }, tcp(1, 2, TCP_ACK)), { vlans });
  const { records } = run([{ ts: 0, data: mk([10]) }, { ts: 1, data: mk([20]) }, { ts: 2, data: mk([5, 10]) }, { ts: 3, data: mk([]) }]);
  const byVlan = new Map(records.map((r) => [r['vlan'], r['packets_c2s']]));
  assert.equal(byVlan.get(10), 2);
  assert.equal(byVlan.get(20), 1);
  assert.equal(byVlan.get(null), 1);
});

test('non-IP frames are counted, not flows', () => {
  const arp = ethernet(0x0806, new Uint8Array(28));
  const { records, engine } = run([{ ts: 0, data: arp }]);
  assert.equal(records.length, 0);
  assert.equal(engine.stats.nonIpPackets, 1);
});

test("a flow lists every anomaly its packets raised, whatever the anomaly's id", () => {
  // a GRE header cut after 2 bytes: the packet stays in the outer IP flow with truncated_gre
  const frame = ethernet(0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 47 }, new Uint8Array([0, 0])));
  assert.ok(Anomaly.truncated_gre >= 32, 'the point of this test is an id beyond the first 32-bit word');
  const { records } = run([{ ts: 0, data: frame }]);
  assert.equal(records.length, 1);
  assert.deepEqual(records[0]!['anomalies'], ['truncated_gre']);
});

test('the flow table holds to its cap: 20,000 flows at --max-flows 5000 leave room for 5,001, and 15,000 evictions are counted', () => {
  const frames: { ts: number; data: Uint8Array }[] = [];
  for (let i = 0; i < 20_000; i++) {
    frames.push({ ts: 1_000_000 + i * 10, data: ethernet(0x0800, ipv4({ src: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, dst: '192.0.2.1', proto: 17 }, udp(1000 + (i % 50_000), 53, bytesOf('q')))) });
  }
  const { records, engine } = run(frames, { maxFlows: 5000 });
  assert.equal(engine.flows.capacity, 5001);
  assert.equal(records.length, 20_000);
  assert.equal(records.filter((r) => r['end_reason'] === 'evicted').length, 15_000);
  assert.equal(engine.anomalies.toObject()['flow_table_full'], 15_000);
  // a small cap and a tiny one
  assert.equal(run(frames.slice(0, 100), { maxFlows: 7 }).engine.flows.capacity, 8);
  assert.equal(run(frames.slice(0, 100), { maxFlows: 1 }).records.length, 100);
});
