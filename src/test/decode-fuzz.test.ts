import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCaptureParser } from '../capture/parser.js';
import { Anomaly, AnomalyCounters } from '../decode/anomaly.js';
import { createDpiEngine } from '../dpi/index.js';
import { LAYER_DECODERS, PacketDecoder } from '../decode/decoder.js';
import { linkTypeLayer } from '../decode/dispatch.js';
import { LAYER_COUNT } from '../decode/layers.js';
import { Engine } from '../engine/engine.js';
import { ndpiCorpusDir } from '../test-support/corpus.js';
import { FIXTURES_DIR } from '../test-support/golden.js';
import { mutate, seededRandom } from '../test-support/prng.js';

// Hostile input at every decoder: random bytes straight into each layer decoder, and mutated real
// frames (our fixtures, and the shared corpus where present) through the whole engine.
// Nothing may throw, every decoder must return a valid next layer, and the loop must end.

interface Frame {
  data: Uint8Array;
  linkType: number;
}

function framesOf(path: string, limit: number): Frame[] {
  const out: Frame[] = [];
  const data = readFileSync(path);
  try {
    const parser = createCaptureParser(data, (buf, off, capLen, _wire, _ts, linkType) => {
      if (out.length < limit) out.push({ data: buf.slice(off, off + capLen), linkType });
    });
    parser.push(data);
    parser.finish();
  } catch {
    // not a capture: no seeds from it
  }
  return out;
}

function seedFrames(): Frame[] {
  const seeds: Frame[] = [];
  for (const f of readdirSync(FIXTURES_DIR)) seeds.push(...framesOf(join(FIXTURES_DIR, f), 50));
  const corpus = ndpiCorpusDir();
  if (corpus) {
    // a few real packets from every capture of the shared corpus
    for (const f of readdirSync(join(corpus, 'pcap'))) seeds.push(...framesOf(join(corpus, 'pcap', f), 6));
  }
  return seeds;
}

test('every layer decoder survives random bytes and names a valid next layer', () => {
  const rnd = seededRandom(0x5eed);
  const decoder = new PacketDecoder(new AnomalyCounters());
  const p = decoder.packet;
  for (let layer = 1; layer < LAYER_COUNT; layer++) {
    for (let i = 0; i < 3000; i++) {
      const len = Math.floor(rnd() * 96);
      const buf = new Uint8Array(len).map(() => Math.floor(rnd() * 256));
      p.reset(buf, 0, len, len + (rnd() < 0.2 ? 100 : 0), i, 1);
      const next = LAYER_DECODERS[layer]!(p);
      assert.ok(Number.isInteger(next) && next >= 0 && next < LAYER_COUNT, `layer ${layer} returned ${next}`);
      assert.ok(p.off <= Math.max(p.end, len) + 65536, `layer ${layer} moved the cursor out of any buffer`);
    }
  }
});

test('mutated real frames through the whole engine, identification included: no exception, no dissector failure, bounded time', () => {
  const seeds = seedFrames();
  assert.ok(seeds.length > 200, `only ${seeds.length} seed frames`);
  const rnd = seededRandom(42);
  const engine = new Engine({ idleTimeoutS: 60, activeTimeoutS: 300, maxFlows: 10_000, dpi: createDpiEngine() }, () => {});
  const started = Date.now();
  let ts = 1_000_000;
  const rounds = 150_000;
  for (let i = 0; i < rounds; i++) {
    const seed = seeds[Math.floor(rnd() * seeds.length)]!;
    const data = mutate(seed.data, rnd);
    ts += Math.floor(rnd() * 1000);
    const wire = rnd() < 0.1 ? data.length + Math.floor(rnd() * 2000) : data.length;
    engine.onPacket(data, 0, data.length, wire, ts, seed.linkType);
  }
  engine.flush();
  assert.equal(engine.stats.records, rounds);
  assert.equal(engine.anomalies.counts[Anomaly.dissector_error], 0, 'a dissector threw on fuzzed input');
  assert.ok(Date.now() - started < 60_000, 'fuzzing took over a minute: something loops');
});

test('every supported link type decodes through the dispatch table', () => {
  const supported = [0, 1, 9, 12, 14, 50, 51, 101, 104, 105, 108, 113, 119, 127, 192, 228, 229, 276];
  for (const lt of supported) assert.notEqual(linkTypeLayer[lt], 0, `link type ${lt} has no decoder`);
});
