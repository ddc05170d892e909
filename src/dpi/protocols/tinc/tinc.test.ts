import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Exchange, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';

// ID requests built after the tinc manual's "Legacy authentication protocol" example
// ("ID client 17.2"), with request number 0 as sent on the wire, and the META_KEY (1) that
// follows.

const opts = { transport: 'tcp' as const, serverPort: 655 };

const version = (r: Record<string, unknown>): unknown => (r['tinc'] as Record<string, unknown> | null)?.['version'];

test('tinc: both ID lines, tinc 1.1 (17.7) and tinc 1.0 (17)', () => {
  const r = identify([
    { dir: 0, payload: '0 office_gw 17.7\n' },
    { dir: 1, payload: '0 home2 17.7\n' },
    { dir: 0, payload: '1 94 64 0 0 5f0823a93e35b69e7086ec7866ce582b\n' },
  ], opts);
  assert.equal(r['protocol'], 'tinc');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['tinc'], { version: '17.7' });
  assert.ok(!JSON.stringify(r).includes('office_gw') && !JSON.stringify(r).includes('home2'));
  const old = identify([{ dir: 0, payload: '0 alpha 17\n' }, { dir: 1, payload: '0 beta 17\n' }], opts);
  assert.equal(version(old), '17');
  // a 1.1 node answering a 1.0 node; the capture starts with the answer, on another port
  const answer = identify([{ dir: 1, payload: '0 beta 17.2\n' }, { dir: 0, payload: '0 alpha 17\n' }], { transport: 'tcp', serverPort: 6655 });
  assert.equal(version(answer), '17.2');
  // the ID line and an SPTPS record in one segment
  const sptps = identify([{ dir: 0, payload: new Uint8Array([...utf8('0 node_1 17.7\n'), ...hex('00 41 80 00 11 22')]) }], opts);
  assert.equal(version(sptps), '17.7');
});

test('tinc: the ID line in 1-byte and 3-byte pieces', () => {
  const line = '0 a 17.7\n';
  const ones: Exchange[] = [...line].map((c) => ({ dir: 0, payload: c }));
  assert.equal(version(identify(ones.slice(0, 3).concat([{ dir: 0, payload: line.slice(3) }]), opts)), '17.7');
  const long = '0 gateway_berlin_01 17.7\n';
  const threes: Exchange[] = [];
  for (let i = 0; i < 9; i += 3) threes.push({ dir: 1, payload: long.slice(i, i + 3) });
  threes.push({ dir: 1, payload: long.slice(9) });
  assert.equal(version(identify(threes, opts)), '17.7');
});

test('tinc: other protocols and broken ID lines are not tinc', () => {
  const cases: Exchange[][] = [
    [{ dir: 0, payload: 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n' }],
    [{ dir: 0, payload: hex('16 03 01 00 2f 01 00 00 2b 03 03') }],
    [{ dir: 0, payload: 'SSH-2.0-OpenSSH_9.6\r\n' }],
    [{ dir: 0, payload: hex('a3 17 5c 90 01 fe 42 6b 00 d9 3e 77 10 2c') }],
    [{ dir: 0, payload: '0 node 16\n' }], // another major version
    [{ dir: 0, payload: '0 node 17.x\n' }], // minor not a number
    [{ dir: 0, payload: '0 no-de 17.7\n' }], // a hyphen in the name
    [{ dir: 0, payload: '0 node 17.7 extra\n' }],
    [{ dir: 0, payload: '1 node 17.7\n' }], // not the ID request
    [{ dir: 0, payload: '0  17.7\n' }], // no name
    [{ dir: 0, payload: '0 node' }], // truncated, nothing more
    [{ dir: 0, payload: '0 node!' }, { dir: 0, payload: ' 17\n' }], // a bad character before the line feed
    [{ dir: 0, payload: '0 0 0 0 0\n' }],
    [{ dir: 0, payload: hex('30 20 00 ff 10') }],
  ];
  for (const [i, c] of cases.entries()) assert.ok(notByDpi(identify(c, { transport: 'tcp', serverPort: 6655 }), 'tinc'), `case ${i}`);
  // UDP 655 is data, encrypted: never named by DPI
  assert.ok(notByDpi(identify([{ dir: 0, payload: '0 node 17.7\n' }], { transport: 'udp', serverPort: 655 }), 'tinc'));
});

test('tinc: fuzzed first payloads', () => {
  fuzz(utf8('0 office_gw 17.7\n'), 'tcp', 655);
  fuzz(utf8('0 beta 17\n'), 'tcp', 655, 1, 80);
});
