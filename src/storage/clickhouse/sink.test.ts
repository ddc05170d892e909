import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoPath } from '../../test-support/paths.js';
import { storedTables } from '../tables.js';
import { captureFlows, featureRow, manyFlows, protocolTable, testRun, withFlowValues } from '../../test-support/clickhouse-flows.js';
import { type AlertRecord } from '../../detect/alert.js';
import { ClickHouseSink, type ClickHouseSinkOptions } from './sink.js';
import { clickHouseMissing, type ClickHouseTestServer, withServer } from '../../test-support/clickhouse-server.js';

// The sink against a real clickhouse-server (Debian's 18.16 here), one server per test in a
// temporary directory.

const skip = clickHouseMissing();

const sinkFor = (server: ClickHouseTestServer, options: Partial<ClickHouseSinkOptions> = {}): ClickHouseSink =>
  new ClickHouseSink({ url: server.url, spoolDir: join(server.dir, 'spool'), retry: { attempts: 2, firstDelayMs: 20 }, onWarning: () => {}, ...options });

const jsonRows = async (server: ClickHouseTestServer, sql: string): Promise<Record<string, unknown>[]> =>
  (await server.query(`${sql} FORMAT JSONEachRow`)).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

const counters = { packets: 10, bytes: 1000, flows: 3 };

/** Strings a TSV writer can get wrong: every escape, look-alikes of escapes and NULL, non-ASCII. */
const HOSTILE = [
  'tab\there', 'new\nline', 'cr\rlf\r\n', 'back\\slash', "single'quote", 'double"quote', 'nul\0byte', '\\N', 'NULL', '', ' ',
  'é中文😀', '\u0001\u001f\u007f', "['not','an','array']", 'literal \\t and \\n', '\\', "'", "\\'", '\b\f\v', 'ends with backslash\\', '\t\n\\\0',
];

test('hostile strings, numbers and lists round-trip through ClickHouse unchanged', { skip }, async () => {
  const [template] = (await captureFlows(repoPath('test', 'fixtures', 'sample.pcap'), true)).rows;
  await withServer(async (server) => {
    const sink = sinkFor(server, { database: "db-with'quote" });
    const probe = "probe\t'one'\\";
    await sink.begin(testRun(7, probe, HOSTILE));
    const dns = protocolTable('dns');
    HOSTILE.forEach((s, i) => {
      const rows = withFlowValues(template!, { capture: s, tunnel: i % 2 === 0 ? null : s, anomalies: HOSTILE, vlan: 2n ** 62n + BigInt(i) });
      rows.protocols = [featureRow(template!, { pktlen_mean_c2s: i === 0 ? NaN : -Infinity, early_sizes: [i, -(i + 1)] }), { table: dns, values: [s, null, 'NOERROR', [s, ...HOSTILE]] }];
      sink.add(i, rows);
    });
    await sink.end('completed', counters);
    assert.deepEqual(sink.report, { flowsWritten: HOSTILE.length, rowsWritten: 3 * HOSTILE.length, flowsSpooled: 0, rowsSpooled: 0, lastError: null });

    const db = '`db-with\\\'quote`';
    const flows = await jsonRows(server, `SELECT probe, capture, tunnel, anomalies, toString(vlan) AS vlan, run_id, flow_id FROM ${db}.flows ORDER BY flow_id`);
    const features = await jsonRows(server, `SELECT isNaN(pktlen_mean_c2s) AS nan, early_sizes, flow_id FROM ${db}.flow_features ORDER BY flow_id`);
    assert.deepEqual(features.map((r) => r.flow_id), flows.map((r) => r.flow_id));
    assert.equal(flows.length, HOSTILE.length);
    flows.forEach((r, i) => {
      assert.equal(r.probe, probe);
      assert.equal(r.capture, HOSTILE[i], `capture #${i}`);
      assert.equal(r.tunnel, i % 2 === 0 ? null : HOSTILE[i]);
      assert.deepEqual(r.anomalies, HOSTILE);
      assert.equal(r.vlan, String(2n ** 62n + BigInt(i)));
      assert.equal(Number(features[i]!.nan), i === 0 ? 1 : 0);
      assert.deepEqual((features[i]!.early_sizes as unknown[]).map(Number), [i, -(i + 1)]);
      assert.equal(BigInt(r.flow_id as string), (7n << 32n) + BigInt(i));
    });
    const answers = await jsonRows(server, `SELECT query, qtype, answers FROM ${db}.dns ORDER BY flow_id`);
    answers.forEach((r, i) => assert.deepEqual(r, { query: HOSTILE[i], qtype: null, answers: [HOSTILE[i], ...HOSTILE] }));
    const runs = await jsonRows(server, `SELECT probe, inputs FROM ${db}.runs FINAL`);
    assert.deepEqual(runs, [{ probe, inputs: HOSTILE }]);
  });
});

test('schema on first use: every stored table, the mapped types, days and DateTime of first_seen', { skip }, async () => {
  const capture = await captureFlows(repoPath('test', 'fixtures', 'sample.pcap'));
  await withServer(async (server) => {
    const sink = sinkFor(server);
    await sink.begin(testRun(1, 'p'));
    capture.rows.forEach((rows, i) => sink.add(i, rows));
    await sink.end('completed', counters);

    const tables = (await server.query("SELECT name FROM system.tables WHERE database = 'sonde' FORMAT TabSeparated")).trim().split('\n').sort();
    assert.deepEqual(tables, ['runs', 'alerts', ...storedTables().map((t) => t.name)].sort());
    const types = new Map((await server.query("SELECT name, type FROM system.columns WHERE database = 'sonde' AND table = 'flows' FORMAT TabSeparated")).trim().split('\n').map((l) => l.split('\t') as [string, string]));
    assert.equal(types.get('flow_id'), 'Int64');
    assert.equal(types.get('capture'), 'Nullable(String)');
    assert.equal(types.get('sport'), 'Nullable(Int64)');
    assert.equal(types.get('first_seen'), 'Nullable(Float64)');
    assert.equal(types.get('early_iats_ms'), undefined, 'in flow_features');
    const featureTypes = new Map((await server.query("SELECT name, type FROM system.columns WHERE database = 'sonde' AND table = 'flow_features' FORMAT TabSeparated")).trim().split('\n').map((l) => l.split('\t') as [string, string]));
    assert.equal(featureTypes.get('early_iats_ms'), 'Array(Float64)');
    assert.equal(featureTypes.get('pktlen_mean_c2s'), 'Nullable(Float64)');
    assert.equal(types.get('anomalies'), 'Array(String)');
    assert.equal(types.get('ts'), 'DateTime');
    assert.equal(types.get('day'), 'Date');

    const stored = await jsonRows(server, 'SELECT src, sport, dst, dport, first_seen, toUnixTimestamp(ts) AS ts, toString(day) AS day FROM sonde.flows ORDER BY flow_id');
    assert.equal(stored.length, capture.records.length);
    stored.forEach((r, i) => {
      const record = capture.records[i]!;
      assert.deepEqual([r.src, Number(r.sport), r.dst, Number(r.dport), r.first_seen], [record.src, record.sport, record.dst, record.dport, record.first_seen]);
      assert.equal(Number(r.ts), Math.floor(record.first_seen as number));
      assert.equal(r.day, new Date((record.first_seen as number) * 1000).toISOString().slice(0, 10));
    });
    const protocolRows = capture.rows.reduce((n, r) => n + r.protocols.length, 0);
    assert.ok(protocolRows > 0);
    assert.equal(sink.report.rowsWritten, capture.rows.length + protocolRows);
  });
});

test('a table of an older sonde gets the columns of new fields', { skip }, async () => {
  await withServer(async (server) => {
    await sinkFor(server).ensureSchema();
    await server.query('ALTER TABLE sonde.flows DROP COLUMN end_reason');
    await server.query('ALTER TABLE sonde.dns DROP COLUMN answers');
    await sinkFor(server).ensureSchema();
    const columns = (await server.query("SELECT name FROM system.columns WHERE database = 'sonde' AND table = 'dns' FORMAT TabSeparated")).trim().split('\n');
    assert.deepEqual(columns, ['run_id', 'flow_id', 'probe', 'query', 'qtype', 'rcode', 'answers', 'day', 'batch_id']);
    assert.match(await server.query("SELECT name FROM system.columns WHERE database = 'sonde' AND table = 'flows' AND name = 'end_reason'"), /end_reason/);
  });
});

test('runs: a row when the run begins, one when it ends; FINAL and argMax read the end', { skip }, async () => {
  await withServer(async (server) => {
    const sink = sinkFor(server);
    await sink.begin(testRun(42, 'probe-a', ['a.pcap', 'b.pcap']));
    const running = await jsonRows(server, 'SELECT status, ended_at FROM sonde.runs FINAL');
    assert.deepEqual(running, [{ status: 'running', ended_at: null }]);
    await sink.end('interrupted', { packets: 123, bytes: 4567, flows: 0 });
    const ended = await jsonRows(server, 'SELECT run_id, probe, inputs, started_at, status, packets, bytes, flows, flows_spooled, sonde_version FROM sonde.runs FINAL');
    assert.deepEqual(ended, [{ run_id: '42', probe: 'probe-a', inputs: ['a.pcap', 'b.pcap'], started_at: 1700000000.5, status: 'interrupted', packets: '123', bytes: '4567', flows: '0', flows_spooled: '0', sonde_version: '0.0.0-test' }]);
    const latest = await jsonRows(server, 'SELECT probe, run_id, argMax(status, revision) AS status FROM sonde.runs GROUP BY probe, run_id');
    assert.deepEqual(latest, [{ probe: 'probe-a', run_id: '42', status: 'interrupted' }]);
    assert.ok(Number(await server.query('SELECT ended_at FROM sonde.runs FINAL')) > 1_700_000_000);
  });
});

test('alerts: a row as an alert starts, one as it ends; FINAL reads the end; spooled and replayed like flows', { skip }, async () => {
  const started: AlertRecord = {
    kind: 'amplification', target: '192.0.2.10', protocol: 'DNS', start: '2026-01-05T10:00:10.123456Z', end: '2026-01-05T10:00:10.999999Z',
    packets: 1200, bytes: 1_800_000, peak_pps: 1200, peak_bps: 14_400_000, sources: 37, destinations: 1, ports: 1,
    top_sources: ['198.51.100.1', "it's\ta\\source"], evidence: "1,200 DNS responses/s from 37 reflectors, 'quoted'\tand tabbed", ongoing: true,
  };
  const ended: AlertRecord = { ...started, end: '2026-01-05T10:00:20.000001Z', packets: 12_000, bytes: 18_000_000, ongoing: false };
  await withServer(async (server) => {
    const sink = sinkFor(server);
    await sink.begin(testRun(9, 'p'));
    sink.addAlert(0, started, 'start');
    sink.addAlert(1, { ...started, kind: 'syn_flood', target: '192.0.2.99', protocol: 'tcp' }, 'start');
    sink.addAlert(0, ended, 'end');
    await sink.end('completed', counters);
    assert.equal(sink.report.rowsWritten, 0, 'alerts are not flow rows');
    const rows = await jsonRows(server, 'SELECT alert_id, kind, target, protocol, start_time, end_time, packets, peak_bps, sources, top_sources, evidence, ongoing, toString(day) AS day, toUnixTimestamp(ts) AS ts FROM sonde.alerts FINAL ORDER BY alert_id');
    assert.deepEqual(rows.map((r) => [BigInt(r.alert_id as string) - (9n << 32n), r.kind, r.ongoing]), [[0n, 'amplification', 0], [1n, 'syn_flood', 1]]);
    const [a] = rows;
    assert.deepEqual(
      { ...a, alert_id: undefined },
      {
        alert_id: undefined, kind: 'amplification', target: '192.0.2.10', protocol: 'DNS', start_time: 1767607210.123456, end_time: 1767607220.000001, packets: '12000',
        peak_bps: '14400000', sources: '37', top_sources: started.top_sources, evidence: started.evidence, ongoing: 0, day: '2026-01-05', ts: 1767607210,
      },
    );
    assert.equal((await server.query("SELECT argMax(ongoing, revision) FROM sonde.alerts WHERE kind = 'amplification'")).trim(), '0');
  });
  // with the server gone, alerts wait in the spool and a later run writes them
  await withServer(async (server) => {
    const spoolDir = join(server.dir, 'spool');
    const down = new ClickHouseSink({ url: 'http://127.0.0.1:9', spoolDir, retry: { attempts: 1, firstDelayMs: 1 }, onWarning: () => {} });
    await down.begin(testRun(10, 'p'));
    down.addAlert(0, ended, 'end');
    await down.end('completed', counters);
    const later = sinkFor(server, { spoolDir });
    await later.begin(testRun(11, 'p'));
    await later.end('completed', counters);
    assert.equal((await server.query("SELECT kind, run_id FROM sonde.alerts FINAL FORMAT TabSeparated")).trim(), 'amplification\t10');
  });
});

test('retention: dropPartitionsBefore drops whole days of flows and protocol rows', { skip }, async () => {
  const [template] = (await captureFlows(repoPath('test', 'fixtures', 'sample.pcap'))).rows;
  const day = 86_400;
  const start = Date.UTC(2024, 0, 30) / 1000; // 2024-01-30 … 2024-02-02: four days across a month
  await withServer(async (server) => {
    const sink = sinkFor(server, { batchRows: 3 });
    await sink.begin(testRun(1, 'p'));
    const flows = [0, 1, 2, 3].flatMap((d) => manyFlows(template!, 2, start + d * day));
    for (const [i, rows] of flows.entries()) {
      sink.add(i, rows);
      await sink.drain();
    }
    await sink.end('completed', counters);
    assert.equal(await sink.dropPartitionsBefore('2024-02-01'), 4, 'two days × (flows, dns)');
    const days = async (table: string): Promise<string> => (await server.query(`SELECT groupArray(d) FROM (SELECT DISTINCT toString(day) AS d FROM sonde.${table} ORDER BY d)`)).trim();
    assert.equal(await days('flows'), "['2024-02-01','2024-02-02']");
    assert.equal(await days('dns'), "['2024-02-01','2024-02-02']");
    assert.equal((await server.query('SELECT count() FROM sonde.flows')).trim(), '4');
    assert.equal((await server.query('SELECT count() FROM sonde.runs')).trim(), '2', 'runs are kept');
    assert.equal(await sink.dropPartitionsBefore('2024-02-01'), 0);
    await assert.rejects(sink.dropPartitionsBefore('yesterday'), /not a day/);
  });
});
