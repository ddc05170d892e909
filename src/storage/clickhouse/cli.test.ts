import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
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
