import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAttackMix } from '../../test-support/attack-mix.js';
import { FIXTURES_DIR, runSonde } from '../../test-support/golden.js';
import { clickHouseMissing, ClickHouseTestServer } from '../../test-support/clickhouse-server.js';

// `sonde analyze --clickhouse URL` as a user runs it: the DuckDB store and ClickHouse both get
// every flow of the run.

test('analyze --clickhouse writes the run to ClickHouse as well as to the DuckDB store', { skip: clickHouseMissing() }, async () => {
  const server = await ClickHouseTestServer.start();
  try {
    const db = join(server.dir, 'probe.duckdb');
    const url = `${server.url}/?database=probe1`;
    const r = runSonde(['analyze', join(FIXTURES_DIR, 'sample.pcap'), '--db', db, '--clickhouse', url, '--spool', join(server.dir, 'spool')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /wrote 20 flows to ClickHouse/);
    assert.equal((await server.query('SELECT count(), uniqExact(flow_id) FROM probe1.flows')).trim(), '20\t20');
    const stored = runSonde(['query', 'SELECT count(*) AS n FROM flows', '--db', db, '--format', 'csv']);
    assert.equal(stored.stdout.trim().split('\n')[1], '20');
    const bad = runSonde(['analyze', join(FIXTURES_DIR, 'sample.pcap'), '--no-store', '--clickhouse', 'not a url']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^sonde: option '--clickhouse' needs an http:\/\/ URL/);
  } finally {
    await server.dispose();
  }
});

test('analyze --clickhouse: the alerts of the run reach ClickHouse with the ids, times and counts DuckDB holds', { skip: clickHouseMissing() }, async () => {
  const server = await ClickHouseTestServer.start();
  try {
    const mix = join(server.dir, 'mix.pcap');
    writeFileSync(mix, buildAttackMix({
      seed: 5, durationS: 30,
      attacks: [
        { kind: 'icmp_flood', startS: 5, durationS: 4, pps: 4000, target: '192.0.2.20' },
        { kind: 'vertical_scan', startS: 15, durationS: 6, pps: 300, target: '203.0.113.7', victim: '192.0.2.30' },
      ],
    }).pcap);
    const db = join(server.dir, 'probe.duckdb');
    const r = runSonde(['analyze', mix, '-q', '--db', db, '--clickhouse', server.url, '--spool', join(server.dir, 'spool')]);
    assert.equal(r.status, 0, r.stderr);
    const duck = runSonde(['query', '--db', db, 'SELECT alert_id, kind, target, epoch_us(start_time) AS s, epoch_us(end_time) AS e, packets, ongoing FROM alerts ORDER BY alert_id', '--format', 'csv']);
    assert.equal(duck.status, 0, duck.stderr);
    const fromDuck = duck.stdout.trim().split('\n').slice(1).map((l) => l.split(','));
    assert.deepEqual(fromDuck.map((f) => `${f[1]} ${f[2]} ${f[6]}`), ['icmp_flood 192.0.2.20 false', 'vertical_scan 203.0.113.7 false']);
    const ch = (await server.query('SELECT alert_id, kind, target, toInt64(round(start_time * 1e6)), toInt64(round(end_time * 1e6)), packets, ongoing FROM sonde.alerts FINAL ORDER BY alert_id FORMAT TabSeparated'))
      .trim().split('\n').map((l) => l.split('\t'));
    assert.deepEqual(ch.map((f) => f.slice(0, 6)), fromDuck.map((f) => f.slice(0, 6)));
    assert.deepEqual(ch.map((f) => f[6]), ['0', '0']);
  } finally {
    await server.dispose();
  }
});
