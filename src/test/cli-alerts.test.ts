import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAttackMix } from '../test-support/attack-mix.js';
import { runSonde } from '../test-support/golden.js';

// Alerts as a user meets them: in the summary, as JSON lines, in the store, through `sonde alerts`,
// with thresholds from a file and options, and one-line errors.

const dir = mkdtempSync(join(tmpdir(), 'sonde-alerts-'));
const mix = join(dir, 'mix.pcap');
writeFileSync(mix, buildAttackMix({
  seed: 4, durationS: 40,
  attacks: [
    { kind: 'syn_flood', startS: 10, durationS: 5, pps: 3000, target: '192.0.2.10' },
    { kind: 'horizontal_scan', startS: 20, durationS: 8, pps: 300, target: '203.0.113.66' },
  ],
}).pcap);
const lines = (s: string): Record<string, unknown>[] => s.split('\n').filter((l) => l).map((l) => JSON.parse(l) as Record<string, unknown>);

test('analyze: alerts in the summary, as JSON lines (a start and an end line each), and in the store', () => {
  const db = join(dir, 'alerts.duckdb');
  const jsonl = join(dir, 'alerts.jsonl');
  const r = runSonde(['analyze', mix, '--db', db, '--alerts', jsonl]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Alerts \(2\)$/m);
  assert.match(r.stdout, /^ {2}syn_flood +192\.0\.2\.10 +2026-01-05T10:00:10/m);
  assert.match(r.stdout, /^ {2}horizontal_scan +203\.0\.113\.66 +2026-01-05T10:00:2/m);
  const written = lines(readFileSync(jsonl, 'utf8'));
  assert.deepEqual(written.map((a) => `${a['kind']} ${a['ongoing']}`).sort(), ['horizontal_scan false', 'horizontal_scan true', 'syn_flood false', 'syn_flood true']);
  for (const a of written) {
    for (const k of ['kind', 'target', 'protocol', 'start', 'end', 'packets', 'bytes', 'peak_pps', 'peak_bps', 'sources', 'destinations', 'ports', 'top_sources', 'evidence']) assert.ok(k in a, k);
  }
  const listed = runSonde(['alerts', '--db', db, '--format', 'json']);
  assert.equal(listed.status, 0, listed.stderr);
  const rows = lines(listed.stdout);
  // one row per alert (its start row replaced by its end), newest first
  assert.deepEqual(rows.map((a) => `${a['kind']} ${a['target']} ${a['ongoing']}`), ['horizontal_scan 203.0.113.66 false', 'syn_flood 192.0.2.10 false']);
  const q = runSonde(['query', '--db', db, "SELECT kind, epoch(start_time)::BIGINT AS s, top_sources[1] IS NOT NULL AS t FROM alerts WHERE kind = 'syn_flood'", '--format', 'json']);
  assert.equal(q.status, 0, q.stderr);
  assert.deepEqual(lines(q.stdout), [{ kind: 'syn_flood', s: Date.UTC(2026, 0, 5, 10, 0, 10) / 1000, t: true }]);
  assert.equal(lines(runSonde(['alerts', '--db', db, '--kind', 'syn_flood', '--format', 'json']).stdout).length, 1);
});

test('analyze --workers 2 raises the same alerts', () => {
  const one = lines(runSonde(['analyze', mix, '-q', '--alerts', '-']).stdout);
  const two = lines(runSonde(['analyze', mix, '-q', '--workers', '2', '--alerts', '-']).stdout);
  const key = (a: Record<string, unknown>): string => `${a['kind']} ${a['target']} ${a['start']} ${a['end']} ${a['packets']} ${a['ongoing']}`;
  assert.equal(one.length, 4);
  assert.deepEqual(two.map(key).sort(), one.map(key).sort());
});

test('thresholds from a file and options; --no-detect; bad thresholds are one line and exit 2', () => {
  const config = join(dir, 'detect.json');
  writeFileSync(config, JSON.stringify({ syn_flood: { pps: 100_000 } }));
  const quiet = lines(runSonde(['analyze', mix, '-q', '--detect-config', config, '--alerts', '-']).stdout);
  assert.deepEqual(quiet.map((a) => a['kind']), ['horizontal_scan', 'horizontal_scan']);
  const lower = lines(runSonde(['analyze', mix, '-q', '--threshold', 'horizontal_scan.destinations=5000', '--alerts', '-']).stdout);
  assert.deepEqual(lower.map((a) => a['kind']), ['syn_flood', 'syn_flood']);
  const off = runSonde(['analyze', mix, '--no-detect']);
  assert.equal(off.status, 0);
  assert.doesNotMatch(off.stdout, /Alerts/);
  for (const [args, message] of [
    [['--threshold', 'syn_flood.ppx=3'], /unknown threshold 'syn_flood\.ppx'/],
    [['--threshold', 'syn_flood.pps=lots'], /needs a number/],
    [['--threshold', 'syn_flood.pps'], /kind\.key=value/],
    [['--no-detect', '--alerts', '-'], /turns detection off/],
  ] as const) {
    const r = runSonde(['analyze', mix, ...args]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  writeFileSync(config, '{ not json');
  const bad = runSonde(['analyze', mix, '--detect-config', config]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /is not JSON/);
  const missing = runSonde(['analyze', mix, '--detect-config', join(dir, 'nope.json')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no such file/);
});
