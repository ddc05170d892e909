import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePcap } from '../test-support/capture-writer.js';
import { fixtureNames, goldenCaptureNames, GOLDEN_DIR, goldenOutput } from '../test-support/golden.js';
import { writeFixtures } from '../test-support/make-fixtures.js';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';

// End to end: every fixture capture through the CLI, compared with its blessed output.

test('the committed fixtures are what the generator writes (regenerate with npm run bless)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sonde-fixtures-'));
  writeFixtures(dir);
  const committed = fixtureNames();
  assert.deepEqual(readdirSync(dir).sort(), committed);
  for (const f of committed) {
    assert.ok(readFileSync(join(dir, f)).equals(readFileSync(join(GOLDEN_DIR, '..', 'fixtures', f))), `${f} differs from its generator`);
  }
  assert.ok(writePcap([], { linkType: 1 }).length === 24);
});

for (const fixture of goldenCaptureNames()) {
  test(`golden: ${fixture}`, () => {
    const goldenPath = join(GOLDEN_DIR, `${fixture}.jsonl`);
    assert.ok(existsSync(goldenPath), `no golden output for ${fixture}: run npm run bless`);
    assert.equal(goldenOutput(fixture), readFileSync(goldenPath, 'utf8'));
  });
}
