import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CORPUS_MISSING_MESSAGE, ndpiCorpusDir } from '../test-support/corpus.js';
import { formatFlowScore, scoreFlows } from '../test-support/flow-conformance.js';

// Flow tracking against nDPI's verdicts on the 330 captures of ../shared/corpus/ndpi, keyed by
// (L4 protocol, unordered endpoints, VLAN), with timeouts off as nDPI's reader never expires flows.

const dir = ndpiCorpusDir();

test('flows agree with nDPI on the shared corpus', { skip: dir === null ? CORPUS_MISSING_MESSAGE : false }, (t) => {
  const score = scoreFlows(dir!);
  for (const line of formatFlowScore(score, 200).split('\n')) t.diagnostic(line);
  assert.equal(score.captures, 330);
  assert.deepEqual(score.captureErrors, [], 'every capture is processed without an error');
  const keyShare = score.matchedFlows / score.expectedFlows;
  const counterShare = score.identicalCounters / score.matchedFlows;
  assert.ok(keyShare >= 0.98, `only ${(keyShare * 100).toFixed(2)}% of nDPI's flows have a sonde flow with the same key`);
  assert.ok(counterShare >= 0.98, `only ${(counterShare * 100).toFixed(2)}% of matched flows have identical counters`);
});
