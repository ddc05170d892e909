import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const BANNER = enc('# munin node at node1.example\n');
const CAP = enc('cap multigraph dirtyconfig\n');
const BAD = enc('# hello there\n');

test('Munin: node banner', () => {
  const r = identify([{ dir: 1, payload: BANNER }, { dir: 0, payload: CAP }], { transport: 'tcp', serverPort: 4949 });
  assert.equal(r['protocol'], 'Munin');
  assert.equal(r['confidence'], 'dpi');
});

test('Munin: other comment lines refused; fuzz', () => {
  const r = identify([{ dir: 1, payload: BAD }], { transport: 'tcp', serverPort: 4949 });
  assert.ok(notByDpi(r, 'Munin'));
  fuzz(BANNER, 'tcp', 4949, 1);
});

test("Munin: the node's name in its greeting is the flow's host name", () => {
  const r = identify([{ dir: 1, payload: enc('# munin node at Elastic-Node02\n') }, { dir: 0, payload: CAP }], { transport: 'tcp', serverPort: 4949 });
  assert.equal(r['hostname'], 'elastic-node02');
  // a greeting cut before its line end names the protocol once complete, never a partial name
  const cut = identify([{ dir: 1, payload: enc('# munin node at gw') }], { transport: 'tcp', serverPort: 4949 });
  assert.equal(cut['hostname'], null);
});
