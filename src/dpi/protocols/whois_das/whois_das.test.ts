import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const QUERY = enc('example.org\r\n');
const BAD = hex('00 01 02 03 04 05 0d 0a');

test('Whois-DAS: query line', () => {
  const r = identify([{ dir: 0, payload: QUERY }], { transport: 'tcp', serverPort: 43 });
  assert.equal(r['protocol'], 'Whois-DAS');
  assert.equal(r['confidence'], 'dpi');
});

test('Whois-DAS: binary bytes refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'tcp', serverPort: 43 });
  assert.ok(notByDpi(r, 'Whois-DAS'));
  fuzz(QUERY, 'tcp', 43, 0);
});

test("Whois-DAS: a query that is a domain name is the flow's host name; other queries are not output", () => {
  assert.equal(identify([{ dir: 0, payload: enc('Example.COM\r\n') }], { transport: 'tcp', serverPort: 43 })['hostname'], 'example.com');
  const person = identify([{ dir: 0, payload: enc('-T person John Smith\r\n') }], { transport: 'tcp', serverPort: 43 });
  assert.equal(person['protocol'], 'Whois-DAS');
  assert.equal(person['hostname'], null);
});
