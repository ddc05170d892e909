import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCaptureParser } from '../capture/parser.js';
import { Engine } from '../engine/engine.js';
import { ATTACK_KINDS, buildAttackMix, DEFAULT_ATTACK_RATES, type Attack } from '../test-support/attack-mix.js';
import { CORPUS_MISSING_MESSAGE, ndpiCorpusDir } from '../test-support/corpus.js';
import { seededRandom } from '../test-support/prng.js';
import { AddressTable } from './address-table.js';
import { type AlertPhase, type AlertRecord } from './alert.js';
import { fewestItemsToReach, FloodScanDetector } from './detector.js';
import { addressHash, CountMinSketch, hll, mix32 } from './sketches.js';
import { applyThresholds, cloneThresholds, DEFAULT_THRESHOLDS, setThreshold, ThresholdError, type Thresholds } from './thresholds.js';

// Flood and scan detection: the sketches against exact counts, then attack mixes built by
// test-support/attack-mix.ts (each kind at a known time, in benign traffic), then the shared
// corpus of real captures, which must raise nothing.

interface Seen {
  alert: AlertRecord;
  phase: AlertPhase;
}

function detect(pcap: Uint8Array, thresholds: Thresholds = DEFAULT_THRESHOLDS): { alerts: AlertRecord[]; events: Seen[]; detector: FloodScanDetector } {
  const events: Seen[] = [];
  const detector = new FloodScanDetector(thresholds, (alert, phase) => events.push({ alert, phase }));
  const engine = new Engine({ idleTimeoutS: 120, activeTimeoutS: 0, maxFlows: 10_000, detector }, () => undefined);
  const parser = createCaptureParser(pcap, engine.onPacket, engine.anomalies);
  parser.push(pcap);
  parser.finish();
  engine.flush();
  return { alerts: events.filter((e) => e.phase === 'end').map((e) => e.alert), events, detector };
}

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0) * 1000;
const TARGETS: Record<string, string> = {
  syn_flood: '192.0.2.10', ack_flood: '192.0.2.20', rst_flood: '198.51.100.5', udp_flood: '10.0.0.15', icmp_flood: '192.0.2.10',
  fragment_flood: '10.0.0.12', amplification: '10.0.0.11', horizontal_scan: '203.0.113.66', vertical_scan: '203.0.113.77', traffic_spike: '10.0.0.13',
};

test('Count-Min never counts low, and is close for heavy keys', () => {
  const cms = new CountMinSketch(1024);
  const rnd = seededRandom(3);
  const exact = new Map<number, number>();
  for (let i = 0; i < 50_000; i++) {
    const key = i % 5 === 0 ? 42 : Math.floor(rnd() * 20_000);
    exact.set(key, (exact.get(key) ?? 0) + 1);
    cms.add(mix32(key));
  }
  for (const [key, n] of exact) assert.ok(cms.estimate(mix32(key)) >= n);
  assert.ok(cms.estimate(mix32(42)) <= exact.get(42)! * 1.1, 'the heavy key is within 10%');
});

test('Count-Min: a clear empties it, after a few keys (only their counters) or after many (all)', () => {
  for (const keys of [5, 50_000]) {
    const cms = new CountMinSketch(1024);
    for (let i = 0; i < keys; i++) cms.add(mix32(i));
    cms.clear();
    for (let i = 0; i < keys; i++) assert.equal(cms.estimate(mix32(i)), 0, `${keys} keys, key ${i}`);
    cms.add(mix32(1), 3);
    assert.equal(cms.estimate(mix32(1)), 3);
  }
});

test('HyperLogLog: fewer items than fewestItemsToReach never estimate the count', () => {
  const rnd = seededRandom(17);
  for (const [count, p] of [[100, 7], [100, 6], [30, 7], [5, 6]] as const) {
    const fewest = fewestItemsToReach(count, p);
    assert.ok(fewest > 0 && fewest <= count, `${count} ${p}: ${fewest}`);
    for (let trial = 0; trial < 300; trial++) {
      const regs = new Uint8Array(1 << p);
      for (let i = 0; i < fewest - 1; i++) hll.add(regs, 0, p, (rnd() * 2 ** 32) >>> 0);
      assert.ok(hll.estimate(regs, 0, p) < count, `${fewest - 1} items reached ${count} (p=${p})`);
    }
  }
});

test('the address table across windows: an address is found only in the window that admitted it', () => {
  const t = new AddressTable(4, 1, 1, 6);
  const words = new Uint32Array(4);
  const slotOf = (a: number, admit: boolean): number => {
    words[0] = a;
    const h = addressHash(4, words, 0);
    return admit ? t.admit(h, 4, words, 0, 0) : t.find(h, 4, words, 0);
  };
  for (let window = 0; window < 50; window++) {
    for (let a = 0; a < 4; a++) assert.equal(slotOf(0x0a000000 + window * 4 + a, false), -1, 'not yet in this window');
    for (let a = 0; a < 4; a++) assert.equal(slotOf(0x0a000000 + window * 4 + a, true), a);
    for (let a = 0; a < 4; a++) assert.equal(slotOf(0x0a000000 + window * 4 + a, false), a);
    if (window > 0) assert.equal(slotOf(0x0a000000 + (window - 1) * 4, false), -1, "last window's address is gone");
    t.clear();
    assert.equal(t.size, 0);
  }
});

test('HyperLogLog: within three standard errors from 1 to 100,000 distinct, merge is the union', () => {
  for (const p of [6, 7]) {
    const m = 1 << p;
    for (const n of [1, 5, 50, 500, 5000, 100_000]) {
      const regs = new Uint8Array(m);
      for (let i = 0; i < n; i++) hll.add(regs, 0, p, mix32(i * 7919 + 1));
      const e = hll.estimate(regs, 0, p);
      assert.ok(Math.abs(e - n) <= Math.max(1, 3 * (1.04 / Math.sqrt(m)) * n), `p=${p} n=${n} estimate ${e}`);
    }
  }
  const a = new Uint8Array(128), b = new Uint8Array(128);
  for (let i = 0; i < 1000; i++) hll.add(a, 0, 7, mix32(i));
  for (let i = 500; i < 1500; i++) hll.add(b, 0, 7, mix32(i));
  hll.merge(a, 0, b, 0, 7);
  assert.ok(Math.abs(hll.estimate(a, 0, 7) - 1500) < 1500 * 0.27);
});

test('the address table keeps the heavy hitters among many light addresses, in memory fixed at construction', () => {
  const t = new AddressTable(16, 1, 1, 6, 256);
  const bytes = t.bytes;
  const words = new Uint32Array(4);
  const rnd = seededRandom(9);
  for (let i = 0; i < 100_000; i++) {
    words[0] = i % 3 === 0 ? 0x0a000001 + (i % 2) * 0 : (Math.floor(rnd() * 1e6) + 0x0b000000) >>> 0;
    if (i % 7 === 0) words[0] = 0x0a000002;
    const h = addressHash(4, words, 0);
    const s = t.admit(h, 4, words, 0, i);
    if (s >= 0) t.counters[s]!++;
  }
  const held = Array.from({ length: t.size }, (_, s) => t.address(s));
  assert.ok(held.includes('10.0.0.1') && held.includes('10.0.0.2'), held.join(' '));
  assert.equal(t.size, 16);
  assert.equal(t.bytes, bytes);
});

test('benign traffic alone raises nothing', () => {
  const { pcap } = buildAttackMix({ durationS: 60, attacks: [], sessionsPerS: 20 });
  const { events } = detect(pcap);
  assert.deepEqual(events.map((e) => `${e.alert.kind} ${e.alert.target}`), []);
});

for (const kind of ATTACK_KINDS) {
  test(`${kind}: one alert, its target, its start within 2 s of the attack's`, () => {
    const attack: Attack = { kind, startS: 20.3, durationS: 6, pps: DEFAULT_ATTACK_RATES[kind], target: TARGETS[kind]! };
    const { pcap } = buildAttackMix({ seed: ATTACK_KINDS.indexOf(kind) + 1, durationS: 40, attacks: [attack] });
    const { alerts, events } = detect(pcap);
    assert.deepEqual(alerts.map((a) => `${a.kind} ${a.target}`), [`${kind} ${attack.target}`], JSON.stringify(alerts, null, 1));
    const a = alerts[0]!;
    const start = Date.parse(a.start) * 1000;
    assert.ok(Math.abs(start - (T0 + attack.startS * 1e6)) <= 2e6, `start ${a.start}`);
    const end = Date.parse(a.end) * 1000;
    assert.ok(end >= T0 + (attack.startS + attack.durationS - 2) * 1e6, `end ${a.end}`);
    // the start record came out while the attack went on (within seconds), then one end record
    assert.deepEqual(events.map((e) => e.phase), ['start', 'end']);
    assert.equal(events[0]!.alert.ongoing, true);
    assert.equal(a.ongoing, false);
    assert.ok(a.packets > 0.5 * attack.pps * attack.durationS, `packets ${a.packets}`);
    assert.ok(a.peak_pps >= 0.5 * attack.pps, `peak ${a.peak_pps}`);
    assert.ok(a.bytes > 0 && a.peak_bps > 0 && a.evidence.length > 20);
    assert.ok(a.top_sources.length > 0);
    if (kind === 'amplification') assert.equal(a.protocol, 'NTP');
    if (kind === 'syn_flood') assert.ok(a.sources > 1000, `sources ${a.sources}`);
    if (kind === 'horizontal_scan') assert.ok(a.destinations > 1000 && a.ports === 1, `${a.destinations} ${a.ports}`);
    if (kind === 'vertical_scan') assert.ok(a.ports > 1000 && a.top_sources[0] === '198.51.100.5', `${a.ports} ${a.top_sources}`);
  });
}

test('several attacks in one capture: each its own alert', () => {
  const attacks: Attack[] = [
    { kind: 'syn_flood', startS: 10, durationS: 5, pps: 3000, target: '192.0.2.10' },
    { kind: 'vertical_scan', startS: 12, durationS: 10, pps: 200, target: '203.0.113.77' },
    { kind: 'amplification', startS: 30, durationS: 5, pps: 5000, target: '10.0.0.11' },
  ];
  const { pcap } = buildAttackMix({ seed: 5, durationS: 45, attacks });
  const { alerts } = detect(pcap);
  assert.deepEqual(alerts.map((a) => `${a.kind} ${a.target}`).sort(), attacks.map((a) => `${a.kind} ${a.target}`).sort());
});

test('a port scan of a host right after a spoofed SYN flood on it is raised while the flood alert winds down', () => {
  const attacks: Attack[] = [
    { kind: 'syn_flood', startS: 10, durationS: 3, pps: 4000, target: '192.0.2.10' },
    { kind: 'vertical_scan', startS: 13.5, durationS: 1.5, pps: 300, target: '203.0.113.77', victim: '192.0.2.10' },
  ];
  const { pcap } = buildAttackMix({ seed: 9, durationS: 25, attacks });
  const { alerts } = detect(pcap);
  assert.deepEqual(alerts.map((a) => `${a.kind} ${a.target}`).sort(), ['syn_flood 192.0.2.10', 'vertical_scan 203.0.113.77']);
  const scan = alerts.find((a) => a.kind === 'vertical_scan')!;
  const startS = (Date.parse(scan.start) * 1000 - T0) / 1e6;
  assert.ok(Math.abs(startS - 13.5) <= 2, `scan starts at ${startS} s`);
  assert.deepEqual(scan.top_sources, ['192.0.2.10']);
});

test('a flood below the floor raises nothing; the floor set lower raises it', () => {
  const attack: Attack = { kind: 'syn_flood', startS: 10, durationS: 5, pps: 500, target: '192.0.2.10' };
  const { pcap } = buildAttackMix({ durationS: 30, attacks: [attack] });
  assert.equal(detect(pcap).alerts.length, 0);
  const lower = cloneThresholds(DEFAULT_THRESHOLDS);
  setThreshold(lower, 'syn_flood.pps', '300');
  assert.deepEqual(detect(pcap, lower).alerts.map((a) => a.kind), ['syn_flood']);
});

test('thresholds: a config object and options; unknown names and bad values are refused', () => {
  const t = cloneThresholds(DEFAULT_THRESHOLDS);
  applyThresholds(t, { syn_flood: { pps: 50 }, windowS: 2 });
  assert.equal(t.syn_flood.pps, 50);
  assert.equal(t.windowS, 2);
  assert.equal(DEFAULT_THRESHOLDS.syn_flood.pps, 1000);
  assert.throws(() => setThreshold(t, 'syn_flod.pps', 1), ThresholdError);
  assert.throws(() => setThreshold(t, 'syn_flood.pps', 'many'), /needs a number/);
  assert.throws(() => applyThresholds(t, { windowS: 0 }), /windowS/);
  assert.throws(() => applyThresholds(t, [1]), ThresholdError);
});

test('detector memory is fixed whatever the traffic', () => {
  const attack: Attack = { kind: 'syn_flood', startS: 1, durationS: 5, pps: 20_000, target: '192.0.2.10' };
  const { pcap } = buildAttackMix({ durationS: 8, attacks: [attack] });
  const { detector } = detect(pcap);
  const fresh = new FloodScanDetector(DEFAULT_THRESHOLDS, () => undefined);
  assert.equal(detector.stateBytes, fresh.stateBytes);
  assert.ok(detector.stateBytes < 2 << 20, `${detector.stateBytes} bytes`);
});

test('the shared corpus of real captures raises no alert', { skip: ndpiCorpusDir() === null ? CORPUS_MISSING_MESSAGE : false }, () => {
  const dir = join(ndpiCorpusDir()!, 'pcap');
  const raised: string[] = [];
  let packets = 0;
  let captures = 0;
  for (const name of readdirSync(dir).sort()) {
    const bytes = readFileSync(join(dir, name));
    let run: ReturnType<typeof detect>;
    try {
      run = detect(bytes);
    } catch {
      continue; // not a capture the parser takes on its own (its own tests cover those)
    }
    captures++;
    packets += run.detector.stats.packets;
    for (const a of run.alerts) raised.push(`${name}: ${a.kind} ${a.target} ${a.evidence}`);
  }
  assert.ok(captures >= 300 && packets > 50_000, `${captures} captures, ${packets} IP packets`);
  assert.deepEqual(raised, []);
});
