import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from '../test-support/paths.js';

// `npm run new-dissector NAME`: starts a protocol folder from the template.

const name = process.argv[2];
if (!name || !/^[a-z][a-z0-9_]*$/.test(name)) {
  process.stderr.write('usage: npm run new-dissector NAME   (lower case letters, digits, _)\n');
  process.exit(2);
}
const target = repoPath('src', 'dpi', 'protocols', name);
if (existsSync(target)) {
  process.stderr.write(`src/dpi/protocols/${name} exists already\n`);
  process.exit(1);
}
cpSync(repoPath('src', 'dpi', 'template'), target, { recursive: true });
const index = join(target, 'index.ts');
writeFileSync(index, readFileSync(index, 'utf8')
  .replace("name: 'template'", `name: '${name}'`)
  .replace("from '../dissector.js'", "from '../../dissector.js'")
  .replace(/^\/\/ TEMPLATE.*\n(\/\/.*\n)*/m, `// ${name}: \n`));
process.stdout.write(`created src/dpi/protocols/${name}/index.ts — fill in probe(), inspect() and a test beside it\n`);
