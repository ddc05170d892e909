import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goldenCaptureNames, GOLDEN_DIR, goldenOutput } from './golden.js';
import { writeFixtures } from './make-fixtures.js';
import { FIXTURES_DIR } from './golden.js';

// `npm run bless`: rewrites the fixtures and their golden outputs after a deliberate change.
// Review `git diff test/` before committing.

writeFixtures(FIXTURES_DIR);
mkdirSync(GOLDEN_DIR, { recursive: true });
for (const f of goldenCaptureNames()) writeFileSync(join(GOLDEN_DIR, `${f}.jsonl`), goldenOutput(f));
process.stdout.write(`blessed ${goldenCaptureNames().length} golden outputs in test/golden/ (review with git diff test/)\n`);
