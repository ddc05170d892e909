import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createDpiEngine } from '../dpi/index.js';
import { allProtocols } from '../dpi/api/catalog.js';
import { REPO_ROOT } from '../test-support/paths.js';
import { join } from 'node:path';

// How many of nDPI 4.11's protocol names the catalog's `ndpi` values cover (issue 13's target is
// 425 of 431). The floor sits at what sonde covers: raise it as names are added, never lower it.

const COVERED_FLOOR = 426;
const NAMES = process.env['SONDE_NDPI_NAMES'] ?? join(REPO_ROOT, '..', 'shared', 'reference', 'ndpi-4.11-names.txt');

test("the catalog covers nDPI 4.11's names", { skip: existsSync(NAMES) ? false : `nDPI's name list not found at ${NAMES} (set SONDE_NDPI_NAMES)` }, (t) => {
  createDpiEngine(); // completes the catalog with the dissectors' protocols
  const names = new Set(readFileSync(NAMES, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== ''));
  const covered = new Set(allProtocols().map((e) => e.ndpi).filter((n): n is string => n !== null && names.has(n)));
  const missing = [...names].filter((n) => !covered.has(n)).sort();
  t.diagnostic(`${covered.size} of ${names.size} covered; missing: ${missing.join(', ')}`);
  assert.ok(covered.size >= COVERED_FLOOR, `${covered.size} of nDPI's names covered, fewer than ${COVERED_FLOOR}`);
});
