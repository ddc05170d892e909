import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../test-support/paths.js';

// The template is copied as it is tested (protocols/_template/_template.test.ts runs in npm test):
// the new folder gets the dissector under its name and the test beside it.

const TOOL = join(REPO_ROOT, 'dist', 'tools', 'new-dissector.js');

test('new-dissector copies the template and its test under the new name', () => {
  const root = mkdtempSync(join(tmpdir(), 'sonde-new-dissector-'));
  const protocols = join(root, 'src', 'dpi', 'protocols');
  mkdirSync(protocols, { recursive: true });
  cpSync(join(REPO_ROOT, 'src', 'dpi', 'protocols', '_template'), join(protocols, '_template'), { recursive: true });
  const r = spawnSync(process.execPath, [TOOL, 'acme_rpc', '--root', root], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(join(protocols, 'acme_rpc')).sort(), ['acme_rpc.test.ts', 'index.ts']);
  const index = readFileSync(join(protocols, 'acme_rpc', 'index.ts'), 'utf8');
  assert.match(index, /name: 'acme_rpc'/);
  assert.doesNotMatch(index, /_template|TEMPLATE/);
  assert.match(readFileSync(join(protocols, 'acme_rpc', 'acme_rpc.test.ts'), 'utf8'), /from '\.\/index\.js'/);
  // a second time, or a bad name: one line, and nothing written
  assert.equal(spawnSync(process.execPath, [TOOL, 'acme_rpc', '--root', root], { encoding: 'utf8' }).status, 1);
  const bad = spawnSync(process.execPath, [TOOL, 'Bad-Name', '--root', root], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^usage: npm run new-dissector NAME/);
  assert.ok(!existsSync(join(protocols, 'Bad-Name')));
});
