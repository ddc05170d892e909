import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlowTable } from '../flow/table.js';
import { chiSquare, KISS_GROUPS, KISS_MIN_OBSERVATIONS, KissTable } from './kiss.js';
import { type Forest, predictInto, trainForest } from './forest.js';
import { featureNames } from './features.js';
import { trainModel } from './learn.js';
import { checkModel, chooseThreshold, ModelError, predict, type StatisticalModel } from './model.js';
import { predictRows } from './evaluation.js';
import { FIXTURES_DIR, runSonde } from '../test-support/golden.js';
import { Engine } from '../engine/engine.js';
import { createDpiEngine } from '../dpi/index.js';
import { StatisticalStage } from './stage.js';
import { ethernet, ipv4, udp } from '../test-support/packet-builder.js';

test('chi-square of 16 counts against n/16, by hand', () => {
  const constant = new Array(16).fill(0);
  constant[3] = 8; // E = 0.5: (8 − 0.5)²/0.5 + 15 × 0.5 = 112.5 + 7.5
  assert.equal(chiSquare(constant, 0, 8), 120);
  assert.equal(chiSquare(new Array(16).fill(1), 0, 16), 0);
  const two = new Array(16).fill(0);
  two[0] = 4;
  two[9] = 4; // 2 × 3.5²/0.5 + 14 × 0.5
  assert.equal(chiSquare(two, 0, 8), 56);
});

/** a table holding one IPv4 flow, client A 10.0.0.1:40000 → server B 10.0.0.2:port over UDP */
function oneFlow(port: number): FlowTable {
  const t = new FlowTable(16);
  t.keys[0] = (4 << 8) | 17;
  t.keys[1] = 0x0a000001;
  t.keys[5] = 0x0a000002;
  t.keys[9] = (40000 << 16) | port;
  t.clientIsA[0] = 1;
  return t;
}

test('KISS signature: a constant byte gives 15 in both its groups, a counter less; per direction; -1 until enough observations', () => {
  const kiss = new KissTable(16);
  const t = oneFlow(5000);
  const out = new Float64Array(KISS_GROUPS);
  for (let i = 0; i < KISS_MIN_OBSERVATIONS - 1; i++) kiss.observe(t, 0, 0, Uint8Array.of(0x17, i), 0, 2);
  assert.equal(kiss.signature(t, 0, 0, out, 0), KISS_MIN_OBSERVATIONS - 1);
  assert.ok(out.every((v) => v === -1));
  kiss.observe(t, 0, 0, Uint8Array.of(0x17, 7), 0, 2);
  assert.equal(kiss.signature(t, 0, 0, out, 0), KISS_MIN_OBSERVATIONS);
  assert.equal(out[0], 15); // 0x1 every time
  assert.equal(out[1], 15); // 0x7 every time
  assert.equal(out[2], 15); // high nibble of 0..7: always 0
  // low nibbles 0 1 2 3 4 7, once each over n = 6: E = 0.375 → 6 × 0.625²/0.375 + 10 × 0.375 = 10, over n
  assert.ok(Math.abs(out[3]! - 10 / 6) < 1e-12, String(out[3]));
  assert.equal(out[KISS_GROUPS - 1], 15); // padding past the payload: zeros
  // the server's answers have a signature of their own, still empty
  assert.equal(kiss.signature(t, 0, 1, out, 0), 0);
  // another server port is another endpoint
  assert.equal(kiss.signature(oneFlow(5001), 0, 0, out, 0), 0);
});

test('KISS table is bounded: new endpoints evict the least recently observed of their bucket', () => {
  const kiss = new KissTable(1); // one bucket of four entries
  for (let port = 1; port <= 6; port++) kiss.observe(oneFlow(port), 0, 0, Uint8Array.of(1), 0, 1);
  assert.equal(kiss.entries, 4);
  assert.equal(kiss.evictions, 2);
  const out = new Float64Array(KISS_GROUPS);
  for (let i = 0; i < KISS_MIN_OBSERVATIONS; i++) kiss.observe(oneFlow(6), 0, 0, Uint8Array.of(1), 0, 1);
  assert.ok(kiss.signature(oneFlow(6), 0, 0, out, 0) > 0);
  assert.equal(kiss.signature(oneFlow(1), 0, 0, out, 0), 0); // evicted
});

test('a forest averages its trees: predictions of hand-built trees', () => {
  // tree 1: x0 <= 5 → class 0, else class 1; tree 2: x1 <= 0 → 50/50, else class 1
  const forest: Forest = {
    classes: 2,
    trees: [
      { feature: [0, -1, -1], threshold: [5, 0, 1], left: [1, -1, -1], right: [2, -1, -1], leaves: [[0, 1], [1, 1]] },
      { feature: [1, -1, -1], threshold: [0, 0, 1], left: [1, -1, -1], right: [2, -1, -1], leaves: [[0, 0.5, 1, 0.5], [1, 1]] },
    ],
  };
  const out = new Float64Array(2);
  predictInto(forest, [3, 0], 0, out);
  assert.deepEqual([...out], [0.75, 0.25]);
  predictInto(forest, [9, 1], 0, out);
  assert.deepEqual([...out], [0, 1]);
  predictInto(forest, [0, 0, 5, 0], 2, out); // read from an offset: x0 = 5 <= 5, x1 = 0
  assert.deepEqual([...out], [0.75, 0.25]);
});

test('a trained forest separates separable classes, the same for the same seed', () => {
  const rows = 200;
  const x = new Float64Array(rows * 2);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    y[i] = i % 2;
    x[i * 2] = (i % 2) * 100 + (i % 7);
    x[i * 2 + 1] = i % 13; // noise
  }
  const a = trainForest({ x, features: 2, y, classes: 2 }, { trees: 10, maxDepth: 8, minLeaf: 1, seed: 3 });
  const b = trainForest({ x, features: 2, y, classes: 2 }, { trees: 10, maxDepth: 8, minLeaf: 1, seed: 3 });
  assert.deepEqual(a.forest, b.forest);
  const out = new Float64Array(2);
  predictInto(a.forest, [103, 5], 0, out);
  assert.ok(out[1]! > 0.9, `class 1 probability ${out[1]}`);
  predictInto(a.forest, [4, 5], 0, out);
  assert.ok(out[0]! > 0.9, `class 0 probability ${out[0]}`);
});

test('the abstention threshold is the lowest probability whose predictions at or above it reach the precision', () => {
  const p = [0.9, 0.8, 0.7, 0.6];
  const right = [true, true, false, true];
  assert.equal(chooseThreshold(p, right, 0.75), 0.6); // 3 of 4
  assert.equal(chooseThreshold(p, right, 0.9), 0.8); // 2 of 2
  assert.equal(chooseThreshold([0.9, 0.8], [false, false], 0.5), 0.9); // unreachable: the best there is
});

function syntheticModel(): StatisticalModel {
  const names = featureNames(['early']);
  const rows = Array.from({ length: 120 }, (_, i) => {
    const f = new Float64Array(featureNames(['early', 'kiss', 'port']).length);
    f[names.indexOf('size_0')] = i % 2 === 0 ? 40 : -900;
    f[names.indexOf('transport')] = 1;
    return { features: f, label: i % 2 === 0 ? 'DNS' : 'QUIC', group: i % 10 };
  });
  const model = trainModel(rows, { label: 'protocol', featureSets: ['early'], minExamples: 5, minPackets: 4, precision: 0.95, forest: { trees: 8, maxDepth: 6, minLeaf: 1, seed: 1 }, captures: 10 });
  assert.ok(model);
  return model;
}

test('a model survives JSON, predicts the same, abstains below its threshold, and a stale one is refused', () => {
  const model = syntheticModel();
  const again = checkModel(JSON.parse(JSON.stringify(model)) as StatisticalModel, 'm.json');
  const x = new Float64Array(featureNames(['early', 'kiss', 'port']).length);
  x[featureNames(['early']).indexOf('size_0')] = -900;
  x[0] = 1;
  assert.deepEqual(predictRows(again, [{ features: x, label: 'QUIC' }]), predictRows(model, [{ features: x, label: 'QUIC' }]));
  assert.equal(predictRows(again, [{ features: x, label: 'QUIC' }])[0]!.label, 'QUIC');
  const scratch = new Float64Array(2);
  const out = { label: 0, probability: 0 };
  assert.equal(predict({ ...again, threshold: 1.01 }, x.subarray(0, again.features.length), 0, scratch, out).label, -1);
  assert.throws(() => checkModel({ ...JSON.parse(JSON.stringify(model)), features: ['x'] }, 'm.json'), ModelError);
  assert.throws(() => checkModel({ ...JSON.parse(JSON.stringify(model)), version: 99 }, 'm.json'), ModelError);
});

test('naming, the stage counts payload of flows DPI has not named only; checking and training count every flow', () => {
  const dnsQuery = Uint8Array.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 7, ...Buffer.from('example'), 3, ...Buffer.from('com'), 0, 0, 1, 0, 1]);
  const unknown = Uint8Array.from({ length: 40 }, (_, i) => (i * 37 + 11) & 0xff);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < 3; i++) {
    frames.push(ethernet(0x0800, ipv4({ src: '10.0.0.1', dst: '192.0.2.53', proto: 17 }, udp(5000 + i, 53, dnsQuery))));
    frames.push(ethernet(0x0800, ipv4({ src: '10.0.0.1', dst: '192.0.2.99', proto: 17 }, udp(6000 + i, 40000, unknown))));
  }
  const observedPorts = (stage: StatisticalStage): number[] => {
    const servers: number[] = [];
    const count = stage.kiss.observe.bind(stage.kiss);
    stage.kiss.observe = (t, id, dir, buf, off, len) => {
      servers.push(buf[off] === 0x12 ? 53 : 40000);
      count(t, id, dir, buf, off, len);
    };
    const engine = new Engine({ idleTimeoutS: 0, activeTimeoutS: 0, maxFlows: 100, dpi: createDpiEngine(), statistical: stage }, () => undefined);
    frames.forEach((f, i) => engine.onPacket(f, 0, f.length, f.length, 1_700_000_000_000_000 + i, 1));
    engine.flush();
    return servers;
  };
  assert.deepEqual(observedPorts(new StatisticalStage(syntheticModel(), 'name')), [40000, 40000, 40000]);
  assert.deepEqual(observedPorts(new StatisticalStage(syntheticModel(), 'check')), [53, 40000, 53, 40000, 53, 40000]);
  assert.deepEqual(observedPorts(new StatisticalStage(null)), [53, 40000, 53, 40000, 53, 40000]);
});

test('sonde train writes a model that analyze loads, evaluate scores it as JSON, and a bad model is one line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sonde-train-'));
  const modelPath = join(dir, 'model.json');
  const trained = runSonde(['train', FIXTURES_DIR, '-o', modelPath, '--min-examples', '1', '--min-packets', '1', '--trees', '5']);
  assert.equal(trained.status, 0, trained.stderr);
  const model = JSON.parse(readFileSync(modelPath, 'utf8')) as StatisticalModel;
  assert.ok(model.classes.length >= 2);
  const evaluated = runSonde(['evaluate', FIXTURES_DIR, '--model', modelPath, '--min-packets', '1', '--format', 'json']);
  assert.equal(evaluated.status, 0, evaluated.stderr);
  const result = JSON.parse(evaluated.stdout) as Record<string, unknown>;
  for (const key of ['flows', 'coverage', 'precision', 'accuracy', 'baseline_accuracy', 'per_class', 'confusion']) assert.ok(key in result, key);
  assert.ok((result['flows'] as number) > 0);
  const analyzed = runSonde(['analyze', '--no-store', '--format', 'jsonl', '--model', modelPath, join(FIXTURES_DIR, 'sample.pcap')]);
  assert.equal(analyzed.status, 0, analyzed.stderr);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"format":"other"}');
  const refused = runSonde(['analyze', '--no-store', '--model', bad, join(FIXTURES_DIR, 'sample.pcap')]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /^sonde: '.*bad\.json' is not a sonde model \(write one with 'sonde train'\)\n$/);
});
