import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../dpi/index.js'; // the dissectors' fields are columns of the tables the cluster's schema creates
import { ClickHouseSink } from '../storage/clickhouse/sink.js';
import { clickHouseMissing, ClickHouseTestServer } from '../test-support/clickhouse-server.js';
import { runSonde } from '../test-support/golden.js';
import { repoPath } from '../test-support/paths.js';
import { buildServeStore, type ServeProcess, startServe } from '../test-support/serve-process.js';
import { buildAttackMix } from '../test-support/attack-mix.js';

// The dashboard's second back end: `sonde serve --clickhouse URL [--cluster]` answers every API
// endpoint exactly as `sonde serve --db` does on the same flows, written by the same runs (one
// `sonde analyze --db D --clickhouse URL` writes both with the same run and flow ids). Over a
// two-shard cluster the runs go to different nodes and are read through the `_all` tables.

const skip = clickHouseMissing();
const CLUSTER = 'sonde_probes';

/** the requests compared: every endpoint, with filters that reach each dialect difference */
function paths(flowIds: string[], syn: { start: number; end: number }): string[] {
  return [
    '/api/summary', '/api/summary?application=DNS', '/api/summary?host=test', `/api/summary?from=${syn.start - 5}&to=${syn.end + 5}`,
    '/api/timeline', '/api/timeline?by=category&metric=flows', '/api/timeline?by=confidence&metric=packets&series=3', `/api/timeline?from=${syn.start - 5}&to=${syn.end + 5}`,
    '/api/top/applications', '/api/top/categories', '/api/top/protocols', '/api/top/hosts', '/api/top/talkers', '/api/top/ports', '/api/top/risks',
    '/api/top/risks?severity=medium', '/api/top/peers?address=192.0.2.10', '/api/top/peers?host=test',
    '/api/flows', '/api/flows?sort=bytes&limit=30&offset=10', '/api/flows?sort=src&order=asc&limit=100', '/api/flows?l4=udp&port=53',
    '/api/flows?risk=unidirectional_traffic&limit=20', '/api/flows?client=192.0.2.20&sort=duration', '/api/flows?address=192.0.2.10&limit=5',
    '/api/flows?confidence=dpi&sort=hostname', '/api/flows?protocol=unknown&limit=10', '/api/flows?host=example.test',
    ...flowIds.map((id) => `/api/flows/${id}`),
    '/api/alerts', '/api/alerts?address=192.0.2.10', `/api/alerts?from=${syn.end + 1}`,
    '/api/options',
  ];
}

async function answer(server: ServeProcess, path: string): Promise<unknown> {
  const res = await fetch(`${server.base}${path}`);
  const body = await res.json();
  assert.equal(res.status, 200, `${path}: ${JSON.stringify(body)}`);
  return body;
}

/** runs are told apart by back end (ClickHouse counts spooled flows, DuckDB stored ones): compare what both know */
const runKey = (r: Record<string, unknown>): string => [r.id, r.status, JSON.stringify(r.inputs), r.packets, r.flows, r.flows_stored].join(' ');

async function compare(duck: ServeProcess, ch: ServeProcess): Promise<number> {
  const page = (await answer(duck, '/api/flows?limit=1000&sort=first_seen')) as { flows: { id: string; protocol: string | null }[] };
  const ids = [page.flows[0]!.id, page.flows.find((f) => f.protocol === 'HTTP')?.id, page.flows.find((f) => f.protocol === 'DNS')?.id, page.flows[page.flows.length - 1]!.id].filter((x): x is string => !!x);
  const alerts = (await answer(duck, '/api/alerts')) as { kind: string; start: number; end: number }[];
  const syn = alerts.find((a) => a.kind === 'syn_flood')!;
  assert.ok(syn, 'the SYN flood alert');
  let compared = 0;
  for (const path of paths(ids, syn)) {
    const [a, b] = await Promise.all([answer(duck, path), answer(ch, path)]);
    assert.deepEqual(b, a, path);
    compared++;
  }
  const [ra, rb] = await Promise.all([answer(duck, '/api/runs'), answer(ch, '/api/runs')]);
  assert.deepEqual((rb as Record<string, unknown>[]).map(runKey), (ra as Record<string, unknown>[]).map(runKey));
  return compared + 1;
}

test('one ClickHouse server: every endpoint answers as the DuckDB store does on the same flows', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sonde-serve-ch-'));
  const server = await ClickHouseTestServer.start();
  let duck: ServeProcess | null = null;
  let ch: ServeProcess | null = null;
  try {
    const db = join(dir, 'store.duckdb');
    buildServeStore(db, ['--clickhouse', `${server.url}/?database=sonde`, '--spool', join(dir, 'spool')]);
    [duck, ch] = await Promise.all([startServe(['--db', db]), startServe(['--clickhouse', `${server.url}/?database=sonde`])]);
    const n = await compare(duck, ch);
    assert.ok(n >= 34, `${n} answers compared`);
  } finally {
    await duck?.stop();
    await ch?.stop();
    await server.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a two-shard cluster: runs written on different nodes, read through the _all tables, answer as one DuckDB store', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sonde-serve-cluster-'));
  const [a, b] = (await ClickHouseTestServer.startCluster(2, CLUSTER)) as [ClickHouseTestServer, ClickHouseTestServer];
  let duck: ServeProcess | null = null;
  let viaA: ServeProcess | null = null;
  let viaB: ServeProcess | null = null;
  try {
    // the Distributed tables on every node, as a clustered probe creates them
    for (const node of [a, b]) await new ClickHouseSink({ url: node.url, cluster: CLUSTER, spoolDir: join(dir, `spool-${node.ports.http}`) }).ensureSchema();
    const db = join(dir, 'store.duckdb');
    const mix = join(dir, 'mix.pcap');
    writeFileSync(mix, buildAttackMix({ seed: 3, durationS: 30, attacks: [{ kind: 'syn_flood', startS: 8, durationS: 4, pps: 3000, target: '192.0.2.10' }] }).pcap);
    const runs: [string, ClickHouseTestServer][] = [[mix, a], [repoPath('test', 'fixtures', 'sample.pcap'), b], [repoPath('test', 'fixtures', 'tunnels.pcap'), b]];
    for (const [capture, node] of runs) {
      const r = runSonde(['analyze', capture, '--db', db, '-q', '--clickhouse', `${node.url}/?database=sonde`, '--spool', join(dir, 'spool')]);
      assert.equal(r.status, 0, r.stderr);
    }
    assert.ok(Number(await b.query('SELECT count() FROM sonde.flows')) > 0 && Number(await a.query('SELECT count() FROM sonde.flows')) > 0, 'flows on both shards');
    [duck, viaA, viaB] = await Promise.all([
      startServe(['--db', db]),
      startServe(['--clickhouse', `${a.url}/?database=sonde`, '--cluster']),
      startServe(['--clickhouse', `${b.url}/?database=sonde`, '--cluster']),
    ]);
    await compare(duck, viaA);
    await compare(duck, viaB);
    // without --cluster a node serves only its own runs
    const local = await startServe(['--clickhouse', `${b.url}/?database=sonde`]);
    try {
      const s = (await answer(local, '/api/summary')) as { flows: number };
      const all = (await answer(duck, '/api/summary')) as { flows: number };
      assert.ok(s.flows > 0 && s.flows < all.flows, `${s.flows} of ${all.flows}`);
    } finally {
      await local.stop();
    }
  } finally {
    await Promise.all([duck?.stop(), viaA?.stop(), viaB?.stop()]);
    await Promise.all([a.dispose(), b.dispose()]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve --clickhouse: one-line errors for a server that does not answer or holds no flows', { skip }, async () => {
  const down = runSonde(['serve', '--clickhouse', 'http://127.0.0.1:9/?database=sonde']);
  assert.equal(down.status, 1);
  assert.match(down.stderr, /ClickHouse at http:\/\/127\.0\.0\.1:9 did not answer/);
  const server = await ClickHouseTestServer.start();
  try {
    const empty = runSonde(['serve', '--clickhouse', `${server.url}/?database=sonde`]);
    assert.equal(empty.status, 1);
    assert.match(empty.stderr, /has no table sonde\.flows: write flows with 'sonde analyze --clickhouse URL'/);
    assert.equal(runSonde(['serve', '--clickhouse', 'ftp://x']).status, 1);
    assert.equal(runSonde(['serve', '--clickhouse', 'https://127.0.0.1:8443/']).status, 1, 'https is a proxy\'s, not the client\'s');
    assert.equal(runSonde(['serve', '--clickhouse', server.url, '--db', 'x.duckdb']).status, 2);
  } finally {
    await server.dispose();
  }
});
