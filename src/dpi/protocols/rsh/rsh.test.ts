import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';
import { rshFields } from './index.js';

const PORT_ONLY = enc('1022\0');
const REST = enc('alice\0alice\0uptime\0');

test('rsh: stderr port written alone, then the user names and command (as rcmd writes them)', () => {
  const r = identify([{ dir: 0, payload: PORT_ONLY }, { dir: 0, payload: REST }, { dir: 1, payload: Uint8Array.of(0) }], { transport: 'tcp', serverPort: 514, clientPort: 1023 });
  assert.equal(r['protocol'], 'RSH');
  assert.equal(r['confidence'], 'dpi');
});

test('rsh: the whole request in one segment, without a stderr channel (empty first string)', () => {
  const r = identify([{ dir: 0, payload: enc('\0bob\0root\0ls -l /tmp\0') }], { transport: 'tcp', serverPort: 514, clientPort: 700 });
  assert.equal(r['protocol'], 'RSH');
});

test('rsh: string rules, privileged client port, and the syslog that also uses 514; fuzz', () => {
  assert.equal(rshFields(REST, 0, REST.length, 1), 4);
  assert.equal(rshFields(enc('12a\0'), 0, 4, 0), -1); // port not decimal
  assert.equal(rshFields(enc('1022\0\0root\0ls\0'), 0, 14, 0), -1); // empty user name
  assert.equal(rshFields(enc('1022\0bob'), 0, 8, 0), -1); // segment ends inside a string
  const whole = enc('1022\0alice\0alice\0uptime\0');
  assert.ok(notByDpi(identify([{ dir: 0, payload: whole }], { transport: 'tcp', serverPort: 514, clientPort: 40000 }), 'RSH'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: enc('<34>1 2026-12-05T10:00:00Z host app - - - hello\n') }], { transport: 'tcp', serverPort: 514, clientPort: 1000 }), 'RSH'));
  fuzz(whole, 'tcp', 514);
});
