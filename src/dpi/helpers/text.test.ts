import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isHostName } from './text.js';

test('isHostName: RFC 1123 labels, no address literals; dotted asks for a domain', () => {
  for (const ok of ['mx.example.org', 'gw-ct', 'elastic-node02', 'a', 'x1.y2.z3']) assert.ok(isHostName(ok), ok);
  for (const bad of ['', '-lead.example', 'trail-.example', 'a..b', 'dot.', '192.0.2.1', '[192.0.2.1]', 'under_score', 'sp ace', `${'a'.repeat(64)}.example`, 'é.example']) {
    assert.ok(!isHostName(bad), bad);
  }
  assert.ok(isHostName('example.com', true));
  assert.ok(!isHostName('localhost', true));
});
