import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const COMMAND = hex(`
  00          # flags: request
  02          # DSICommand
  22 c6       # request id
  00 00 00 00 # error code
  00 00 00 06 # total data length 6
  00 00 00 00 # reserved
  11 00 00 02 0e 1c # AFP call (FPGetSrvrParms … not interpreted)
`);

test('AFP over DSI: a request header with its data', () => {
  const r = identify([{ dir: 0, payload: COMMAND }], { transport: 'tcp', serverPort: 548 });
  assert.equal(r['protocol'], 'AFP');
  assert.deepEqual(r['afp'], { dsi_command: 'Command' });
  const tickle = hex('01 05 00 01 00 00 00 00 00 00 00 00 00 00 00 00'); // reply to DSITickle
  assert.equal(identify([{ dir: 1, payload: tickle }], { transport: 'tcp', serverPort: 548 })['protocol'], 'AFP');
});

test('AFP refuses bad flags, commands, reserved fields and other ports', () => {
  for (const [i, v] of [[0, 2], [1, 7], [15, 1], [7, 1]] as const) {
    const m = Uint8Array.from(COMMAND);
    m[i] = v;
    assert.equal(identify([{ dir: 0, payload: m }], { transport: 'tcp', serverPort: 548 })['afp'], null, `byte ${i}`);
  }
  assert.equal(identify([{ dir: 0, payload: COMMAND }], { transport: 'tcp', serverPort: 549 })['afp'], null);
  fuzz(COMMAND, 'tcp', 548);
  void enc; void cat;
});
