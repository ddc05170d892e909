import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const msg = cat(hex(`
  5a 42 58 44   # "ZBXD"
  01            # flags: Zabbix protocol
  0d 00 00 00   # data length 13 (little endian)
  00 00 00 00   # reserved
`), enc('agent.version'));

test('Zabbix header names the flow on any port', () => {
  const r = identify([{ dir: 0, payload: msg }], { transport: 'tcp', serverPort: 31000 });
  assert.equal(r['protocol'], 'Zabbix');
  assert.deepEqual(r['zabbix'], { compressed: false });
});

test('Zabbix: bad flags are refused; fuzz', () => {
  const bad = Uint8Array.from(msg);
  bad[4] = 0x80;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort: 31000 })['zabbix'], null);
  fuzz(msg, 'tcp', 10051);
});
