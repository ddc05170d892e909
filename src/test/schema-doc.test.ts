import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FLOW_FIELDS } from '../flow/schema.js';
import '../dpi/index.js';
import { repoPath } from '../test-support/paths.js';
import { schemaMarkdown } from '../test-support/schema-doc.js';
import { runSonde, FIXTURES_DIR } from '../test-support/golden.js';

test('docs/flow-schema.md matches the field declarations (regenerate with npm run schema-doc)', () => {
  assert.equal(readFileSync(repoPath('docs', 'flow-schema.md'), 'utf8'), schemaMarkdown());
});

test('every JSON record has exactly the declared fields, in order, with the declared types', () => {
  const r = runSonde(['analyze', '--format', 'jsonl', `${FIXTURES_DIR}/sample.pcap`]);
  for (const line of r.stdout.trim().split('\n')) {
    const rec = JSON.parse(line) as Record<string, unknown>;
    assert.deepEqual(Object.keys(rec), FLOW_FIELDS.map((f) => f.name));
    for (const f of FLOW_FIELDS) {
      const v = rec[f.name];
      if (v === null) {
        assert.ok(f.nullable, `${f.name} is null but not nullable`);
        continue;
      }
      const ok = {
        string: typeof v === 'string',
        int: Number.isInteger(v),
        double: typeof v === 'number',
        timestamp: typeof v === 'number',
        bool: typeof v === 'boolean',
        'string|int': typeof v === 'string' || Number.isInteger(v),
        'string[]': Array.isArray(v) && v.every((x) => typeof x === 'string'),
        'int[]': Array.isArray(v) && v.every((x) => Number.isInteger(x)),
        'double[]': Array.isArray(v) && v.every((x) => typeof x === 'number'),
        object: typeof v === 'object' && !Array.isArray(v),
      }[f.type];
      assert.ok(ok, `${f.name}: ${JSON.stringify(v)} is not ${f.type}`);
    }
  }
});
