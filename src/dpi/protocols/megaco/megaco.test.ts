import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const LONG = enc('MEGACO/1 [192.0.2.1]:2944\nTransaction = 1 { Context = - { ServiceChange = ROOT { Services { Method = Restart } } } }');
const SHORT = enc('!/1 <mg.example>\nT=2{C=-{SC=ROOT{SV{MT=RS}}}}');
const BAD = enc('MEGACO/9 [192.0.2.1]:2944\nT=1{}');

test('Megaco: long-form header', () => {
  const r = identify([{ dir: 0, payload: LONG }], { transport: 'udp', serverPort: 2944 });
  assert.equal(r['protocol'], 'Megaco');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['megaco'], { version: 1 });
});

test('Megaco: compact header', () => {
  assert.equal(identify([{ dir: 0, payload: SHORT }], { transport: 'udp', serverPort: 2944 })['protocol'], 'Megaco');
});

test('Megaco: unknown version refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 2944 });
  assert.ok(notByDpi(r, 'Megaco'));
  fuzz(LONG, 'udp', 2944, 0);
});
