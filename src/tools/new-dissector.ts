import { cpSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// `npm run new-dissector NAME [-- --root DIR]`: starts a protocol folder from the template
// (src/dpi/protocols/_template, with its test), in this repository or in DIR.

const USAGE = 'usage: npm run new-dissector NAME [-- --root DIR]   (NAME: lower case letters, digits, _)';
const args = process.argv.slice(2);
let root = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const rest: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--root') root = resolve(args[++i] ?? '');
  else rest.push(args[i]!);
}
const name = rest[0];
if (rest.length !== 1 || !name || !/^[a-z][a-z0-9_]*$/.test(name)) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
const protocols = join(root, 'src', 'dpi', 'protocols');
const target = join(protocols, name);
if (existsSync(target)) {
  process.stderr.write(`src/dpi/protocols/${name} exists already\n`);
  process.exit(1);
}
cpSync(join(protocols, '_template'), target, { recursive: true });
const index = join(target, 'index.ts');
writeFileSync(index, readFileSync(index, 'utf8')
  .replace("name: '_template'", `name: '${name}'`)
  .replace(/^\/\/ TEMPLATE.*\n(\/\/.*\n)*/m, `// ${name}: (the specification it follows, and what the dissector recognises)\n`));
renameSync(join(target, '_template.test.ts'), join(target, `${name}.test.ts`));
process.stdout.write(`created src/dpi/protocols/${name}/ (index.ts, ${name}.test.ts): fill in the protocol, probe(), inspect() and their tests\n`);
