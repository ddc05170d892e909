import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conversationFrames } from '../test-support/dpi-test-kit.js';
import { writePcap } from '../test-support/capture-writer.js';
import { buildAttackMix } from '../test-support/attack-mix.js';
import { runSonde } from '../test-support/golden.js';

// Retention as a user meets it: `sonde prune --older-than` and `analyze --retain` delete flows by
// their last packet, their protocol rows and ended alerts; newer ones stay; runs stay.

const dir = mkdtempSync(join(tmpdir(), 'sonde-prune-'));
const DAY_US = 86_400 * 1e6;
const now = Date.now() * 1000;

/** one HTTP flow whose packets are `daysAgo` days old */
function captureAt(daysAgo: number, name: string): string {
  const frames = conversationFrames([{ dir: 0, payload: 'GET / HTTP/1.1\r\nHost: old.example\r\n\r\n' }, { dir: 1, payload: 'HTTP/1.1 204 No Content\r\n\r\n' }], { transport: 'tcp', serverPort: 80, clientPort: 40000 + daysAgo });
  const path = join(dir, name);
  writeFileSync(path, writePcap(frames.map((data, i) => ({ ts: Math.round(now - daysAgo * DAY_US) + i * 1000, data })), { linkType: 1 }));
  return path;
}

const count = (db: string, sql: string): number => {
  const r = runSonde(['query', '--db', db, sql, '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  return Number(Object.values(JSON.parse(r.stdout.trim().split('\n')[0]!) as Record<string, unknown>)[0]);
};

test('sonde prune --older-than deletes old flows, their protocol rows and old alerts, and keeps the rest', () => {
  const db = join(dir, 'prune.duckdb');
  for (const [days, name] of [[40, 'old.pcap'], [35, 'older.pcap'], [1, 'new.pcap']] as const) {
    assert.equal(runSonde(['analyze', captureAt(days, name), '--db', db, '-q']).status, 0);
  }
  const mix = join(dir, 'flood.pcap');
  // the attack mix's own times are in 2026-01: far older than 30 days
  writeFileSync(mix, buildAttackMix({ seed: 2, durationS: 20, attacks: [{ kind: 'syn_flood', startS: 5, durationS: 5, pps: 3000, target: '192.0.2.10' }] }).pcap);
  assert.equal(runSonde(['analyze', mix, '--db', db, '-q']).status, 0);
  const flowsBefore = count(db, 'SELECT count(*) FROM flows');
  assert.ok(flowsBefore > 3);
  assert.equal(count(db, 'SELECT count(*) FROM http'), 3);
  assert.equal(count(db, 'SELECT count(*) FROM alerts'), 1);

  const r = runSonde(['prune', '--older-than', '30d', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`^sonde: pruned what ended before \\S+: ${(flowsBefore - 1).toLocaleString('en-US')} flows, 1 alerts\\n$`));
  assert.equal(count(db, 'SELECT count(*) FROM flows'), 1);
  assert.equal(count(db, 'SELECT count(*) FROM http'), 1);
  assert.equal(count(db, 'SELECT count(*) FROM alerts'), 0);
  assert.equal(count(db, "SELECT count(*) FROM http h JOIN flows f USING (flow_id) WHERE f.last_seen > now() - INTERVAL 2 DAY"), 1);
  assert.equal(count(db, 'SELECT count(*) FROM runs'), 4, 'runs stay');
});

test('analyze --retain prunes after the run; bad durations and missing options are usage errors', () => {
  const db = join(dir, 'retain.duckdb');
  assert.equal(runSonde(['analyze', captureAt(10, 'ten.pcap'), '--db', db, '-q']).status, 0);
  const r = runSonde(['analyze', captureAt(2, 'two.pcap'), '--db', db, '--retain', '7d']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /sonde: pruned what ended before .*: 1 flows, 0 alerts/);
  assert.equal(count(db, 'SELECT count(*) FROM flows'), 1);
  for (const bad of [['analyze', join(dir, 'two.pcap'), '--retain', 'soon'], ['prune', '--older-than', '3 weeks'], ['prune']]) {
    const e = runSonde(bad);
    assert.equal(e.status, 2, bad.join(' '));
    assert.match(e.stderr, /^sonde: .*(--retain|--older-than)/);
  }
});
