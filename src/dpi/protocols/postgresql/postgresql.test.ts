import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const startup = cat(hex(`
  00 00 00 29   # length 41
  00 03 00 00   # protocol 3.0
`), enc('user\0alice\0database\0shop\0\0'));

test('PostgreSQL startup answered by authentication; user and database not output', () => {
  const r = identify([{ dir: 0, payload: startup }, { dir: 1, payload: hex('52 00 00 00 08 00 00 00 00') }], { transport: 'tcp', serverPort: 5432 });
  assert.equal(r['protocol'], 'PostgreSQL');
  assert.ok(!JSON.stringify(r).includes('alice'));
  const ssl = identify([{ dir: 0, payload: hex('00 00 00 08 04 d2 16 2f') }, { dir: 1, payload: 'S' }], { transport: 'tcp', serverPort: 5432 });
  assert.deepEqual(ssl['postgresql'], { request: 'ssl', tls: true });
});

test('PostgreSQL: unknown code refused; fuzz', () => {
  assert.equal(identify([{ dir: 0, payload: hex('00 00 00 08 01 02 03 04') }], { transport: 'tcp', serverPort: 5433 })['postgresql'], null);
  fuzz(startup, 'tcp', 5432);
});
