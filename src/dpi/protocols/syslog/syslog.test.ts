import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

test('Syslog RFC 5424 and 3164, facility and severity; the text is not output', () => {
  const r = identify([{ dir: 0, payload: '<165>1 2003-10-11T22:14:15.003Z host app 1 ID47 - secret message' }], { transport: 'udp', serverPort: 514 });
  assert.equal(r['protocol'], 'Syslog');
  assert.deepEqual(r['syslog'], { facility: 20, severity: 5, format: 'rfc5424' });
  assert.ok(!JSON.stringify(r).includes('secret'));
  const b = identify([{ dir: 0, payload: '<34>Oct 11 22:14:15 mymachine su: failed' }], { transport: 'udp', serverPort: 5140 });
  assert.deepEqual(b['syslog'], { facility: 4, severity: 2, format: 'rfc3164' });
  const t = identify([{ dir: 0, payload: '87 <13>1 2021-04-18T14:51:48+04:00 host app - - - x\n' }], { transport: 'tcp', serverPort: 6514 });
  assert.equal(t['protocol'], 'Syslog');
});

test('Syslog: PRI out of range or with a leading zero is refused; fuzz', () => {
  assert.equal(identify([{ dir: 0, payload: '<192>1 2003-10-11T22:14:15Z h a' }], { transport: 'udp', serverPort: 514 })['syslog'], null);
  assert.equal(identify([{ dir: 0, payload: '<013>hello' }], { transport: 'udp', serverPort: 514 })['syslog'], null);
  fuzz(enc('<165>1 2003-10-11T22:14:15.003Z host app - - -'), 'udp', 514);
});
