import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const CLIENT = hex(`
  17 24       # command marker (older protocol versions)
  0a 20 00 00 00 00 00 00 00 00 00 48 00 80 00 01 # (command data, not interpreted)
`);
const SERVER = hex(`
  11 30       # protocol marker of newer versions
  36 00 18 00 00 00 01 00 00 00 00 00 00 00 # (not interpreted)
`);

test('TeamViewer: markers both ways, or the client marker on port 5938', () => {
  const r = identify([{ dir: 0, payload: CLIENT }, { dir: 1, payload: SERVER }], { transport: 'tcp', serverPort: 443 });
  assert.equal(r['application'], 'TeamViewer');
  assert.equal(identify([{ dir: 0, payload: CLIENT }], { transport: 'tcp', serverPort: 5938 })['application'], 'TeamViewer');
});

test('TeamViewer UDP: the marker at offset 11 in both directions', () => {
  const dgram = hex(`
    00 00 00 00 00 00 00 00 00 00 00 # 11-byte prefix, zero-led
    17 24                            # marker
    47 50 00 05 00 00 00 00          # (not interpreted)
  `);
  assert.equal(identify([{ dir: 0, payload: dgram }, { dir: 1, payload: dgram }], { transport: 'udp', serverPort: 36037 })['application'], 'TeamViewer');
  assert.notEqual(identify([{ dir: 0, payload: dgram }], { transport: 'udp', serverPort: 36037 })['application'], 'TeamViewer');
});

test('TeamViewer refuses a marker one way on another port, and other bytes', () => {
  assert.notEqual(identify([{ dir: 0, payload: CLIENT }], { transport: 'tcp', serverPort: 443 })['application'], 'TeamViewer');
  assert.notEqual(identify([{ dir: 0, payload: CLIENT }, { dir: 1, payload: hex('16 03 03 00 10') }], { transport: 'tcp', serverPort: 443 })['application'], 'TeamViewer');
  fuzz(CLIENT, 'tcp', 5938);
  void enc; void cat;
});
