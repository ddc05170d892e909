import { readFileSync, writeFileSync } from 'node:fs';

// Rewrites data/public-suffixes.dat from the Public Suffix List (Debian's publicsuffix package by
// default): the rules only, so the shipped file stays small.
//   node dist/tools/refresh-public-suffixes.js [LIST.dat] [--version TEXT]

const argv = process.argv.slice(2);
const versionAt = argv.indexOf('--version');
const version = versionAt >= 0 ? argv.splice(versionAt, 2)[1] : 'the installed Debian package';
const source = argv[0] ?? '/usr/share/publicsuffix/public_suffix_list.dat';
const rules = readFileSync(source, 'utf8')
  .split('\n')
  .map((l) => l.trim().split(/\s/)[0]!)
  .filter((l) => l !== '' && !l.startsWith('//'));
const header = [
  '// The Public Suffix List (https://publicsuffix.org/), Mozilla Public License 2.0',
  '// (https://mozilla.org/MPL/2.0/): its rules only, comments dropped, from',
  `// ${source} (${version}). Refresh: node dist/tools/refresh-public-suffixes.js`,
];
writeFileSync(new URL('../../data/public-suffixes.dat', import.meta.url), `${[...header, ...rules].join('\n')}\n`);
process.stdout.write(`${rules.length} rules\n`);
