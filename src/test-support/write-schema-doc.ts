import { writeFileSync } from 'node:fs';
import { repoPath } from './paths.js';
import { schemaMarkdown } from './schema-doc.js';

writeFileSync(repoPath('docs', 'flow-schema.md'), schemaMarkdown());
process.stdout.write('wrote docs/flow-schema.md\n');
