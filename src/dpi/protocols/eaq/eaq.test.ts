import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';
import { eaqMarker } from './index.js';

const PROBE = hex(`
  00000002   # probe counter
  00000ddd   # time word
  00013ab2   # session word
  0000 90 00 # direction marker: from the meter
`);
const ECHO = hex('00000002 00000ddd 00013ab2 0000 60 00'); // the server echoes the first 12 bytes, marker 0x60

test('EAQ probe and echo on UDP 6000', () => {
  const r = identify([{ dir: 0, payload: PROBE }, { dir: 1, payload: ECHO }], { transport: 'udp', serverPort: 6000 });
  assert.equal(r['protocol'], 'EAQ');
  assert.equal(r['category'], 'Network');
  // an unanswered probe is named too
  assert.equal(identify([{ dir: 0, payload: PROBE }], { transport: 'udp', serverPort: 6000 })['protocol'], 'EAQ');
});

test('EAQ refuses other ports, other lengths and other markers', () => {
  assert.notEqual(identify([{ dir: 0, payload: PROBE }], { transport: 'udp', serverPort: 6001 })['confidence'], 'dpi');
  assert.equal(eaqMarker(PROBE, 0, 15), 0);
  const bad = Uint8Array.from(PROBE);
  bad[14] = 0x91;
  assert.equal(eaqMarker(bad, 0, 16), 0);
  const big = Uint8Array.from(PROBE);
  big[0] = 0x80; // counter far beyond a session's few probes
  assert.notEqual(identify([{ dir: 0, payload: big }], { transport: 'udp', serverPort: 6000 })['confidence'], 'dpi');
});

test('EAQ fuzz: mutated probes never throw', () => {
  const rnd = seededRandom(6000);
  for (let k = 0; k < 2000; k++) {
    const m = mutate(PROBE, rnd);
    const v = eaqMarker(m, 0, m.length);
    assert.ok(v === 0 || v === 0x90 || v === 0x60);
  }
  for (let k = 0; k < 60; k++) identify([{ dir: 0, payload: mutate(PROBE, rnd) }, { dir: 1, payload: mutate(ECHO, rnd) }], { transport: 'udp', serverPort: 6000 });
});
