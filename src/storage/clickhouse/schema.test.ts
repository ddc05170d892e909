import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../dpi/index.js'; // registers the dissectors' fields: the protocol tables
import { type ColumnKind } from '../tables.js';
import { clickHouseType, createDistributedSql, createTableSql, dayAndSecond, escapeText, flowTables, RUNS_TABLE, tsvField } from './schema.js';

// The ClickHouse layout and TSV text without a server (escaping is also round-tripped through a
// real server in sink.test.ts).

test('column kinds map to types both ClickHouse 18.16 and current releases accept', () => {
  const expected: Record<ColumnKind, [string, string]> = {
    text: ['Nullable(String)', 'String'],
    int: ['Nullable(Int64)', 'Int64'],
    double: ['Nullable(Float64)', 'Float64'],
    timestamp: ['Nullable(Float64)', 'Float64'],
    bool: ['Nullable(UInt8)', 'UInt8'],
    'text[]': ['Array(String)', 'Array(String)'],
    'int[]': ['Array(Int64)', 'Array(Int64)'],
    'double[]': ['Array(Float64)', 'Array(Float64)'],
  };
  for (const [kind, [nullable, plain]] of Object.entries(expected) as [ColumnKind, [string, string]][]) {
    assert.equal(clickHouseType(kind, true), nullable, kind);
    assert.equal(clickHouseType(kind, false), plain, kind);
  }
  const allowed = /^(Nullable\((String|Int64|Float64|UInt8)\)|String|Int64|Float64|UInt8|Date|DateTime|Array\((String|Int64|Float64)\))$/;
  for (const t of [RUNS_TABLE, ...flowTables()]) {
    for (const c of t.columns) assert.match(c.type, allowed, `${t.name}.${c.name}`);
  }
});

test('flows and protocol tables: keys, probe, values, day (and ts), batch_id; partitions by day', () => {
  const [flows, ...protocols] = flowTables();
  assert.ok(protocols.length > 50, 'one table per dissector');
  const names = flows!.columns.map((c) => c.name);
  assert.deepEqual(names.slice(0, 4), ['run_id', 'flow_id', 'probe', 'capture']);
  assert.deepEqual(names.slice(-3), ['day', 'ts', 'batch_id']);
  assert.match(createTableSql('sonde', flows!), /ENGINE = MergeTree PARTITION BY day ORDER BY \(day, ts, flow_id\)$/);
  const dns = protocols.find((t) => t.name === 'dns')!;
  assert.deepEqual(dns.columns.map((c) => c.name), ['run_id', 'flow_id', 'probe', 'query', 'qtype', 'rcode', 'answers', 'day', 'batch_id']);
  assert.match(createTableSql('sonde', dns), /^CREATE TABLE IF NOT EXISTS `sonde`.`dns` \(`run_id` Int64, .*`answers` Array\(String\), `day` Date, `batch_id` String\) ENGINE = MergeTree PARTITION BY day ORDER BY \(day, flow_id\)$/);
  assert.equal(
    createDistributedSql('sonde', dns, 'probes'),
    "CREATE TABLE IF NOT EXISTS `sonde`.`dns_all` AS `sonde`.`dns` ENGINE = Distributed('probes', 'sonde', 'dns', intHash64(flow_id))",
  );
  assert.match(createTableSql('sonde', RUNS_TABLE), /ENGINE = ReplacingMergeTree\(revision\) ORDER BY \(probe, run_id\)$/);
});

test('TSV fields: strings escaped as ClickHouse writes them, arrays quoted, numbers ClickHouse reads', () => {
  assert.equal(escapeText("a\tb\nc\\d\0e'f\r\b\f é😀"), "a\\tb\\nc\\\\d\\0e\\'f\\r\\b\\f é😀");
  assert.equal(tsvField('text', null), '\\N');
  assert.equal(tsvField('text', 53), '53');
  assert.equal(tsvField('text[]', ["it's", 'x\ty', null]), "['it\\'s','x\\ty','']");
  assert.equal(tsvField('text[]', null), '[]');
  assert.equal(tsvField('int', 1e21), '1000000000000000000000');
  assert.equal(tsvField('int', 9007199254740993n), '9007199254740993');
  assert.equal(tsvField('int', 2.9), '2');
  assert.equal(tsvField('int', 'x'), '\\N');
  assert.equal(tsvField('int[]', [1, null, -3]), '[1,0,-3]');
  assert.equal(tsvField('double', NaN), 'nan');
  assert.equal(tsvField('double[]', [Infinity, -Infinity, 0.5]), '[inf,-inf,0.5]');
  assert.equal(tsvField('timestamp', 1_700_000_000.25), '1700000000.25');
  assert.equal(tsvField('bool', true), '1');
  assert.equal(tsvField('bool', false), '0');
});

test('day and DateTime second of first_seen: UTC, clamped to what Date and DateTime hold', () => {
  assert.deepEqual(dayAndSecond(1_700_000_000.9), { day: '2023-11-14', second: 1_700_000_000 });
  assert.deepEqual(dayAndSecond(-5), { day: '1970-01-01', second: 0 });
  assert.deepEqual(dayAndSecond(null), { day: '1970-01-01', second: 0 });
  assert.deepEqual(dayAndSecond(1e12), { day: '2106-02-07', second: 0xffffffff });
});
