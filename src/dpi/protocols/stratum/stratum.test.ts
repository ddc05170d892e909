import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

test('Stratum mining.subscribe and CryptoNote login; wallet not output', () => {
  const r = identify([{ dir: 0, payload: '{"id":1,"method":"mining.subscribe","params":["cgminer/4.10"]}\n' }], { transport: 'tcp', serverPort: 3333 });
  assert.equal(r['protocol'], 'Stratum');
  assert.deepEqual(r['stratum'], { method: 'mining.subscribe', agent: 'cgminer/4.10' });
  const x = identify([{ dir: 0, payload: '{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"4WALLET","pass":"x","agent":"XMRig/6.0"}}\n' }], { transport: 'tcp', serverPort: 14444 });
  assert.deepEqual(x['stratum'], { method: 'login', agent: 'XMRig/6.0' });
  assert.ok(!JSON.stringify(x).includes('4WALLET'));
});

test('Stratum: other JSON-RPC refused; fuzz', () => {
  assert.equal(identify([{ dir: 0, payload: '{"id":1,"method":"login","params":["x"]}\n' }], { transport: 'tcp', serverPort: 3334 })['stratum'], null);
  fuzz(enc('{"id":1,"method":"mining.authorize","params":["w","x"]}\n'), 'tcp', 3333);
});
