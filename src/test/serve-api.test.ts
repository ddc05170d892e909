import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreReader } from '../storage/duckdb/reader.js';
import { runSonde } from '../test-support/golden.js';
import { buildServeStore, type ServeProcess, startServe } from '../test-support/serve-process.js';

// The dashboard's JSON API against a real store built from our own captures (an attack mix with
// web, DNS and ping traffic, a SYN flood and a scan; the sample and tunnel fixtures): every answer
// checked against SQL on the same store, hostile filter values refused, the token and host checks.

const dir = mkdtempSync(join(tmpdir(), 'sonde-serve-'));
const db = join(dir, 'store.duckdb');
let server: ServeProcess;
let sql: StoreReader;

type Json = Record<string, unknown>;

async function api(path: string, init: RequestInit = {}): Promise<{ status: number; body: Json & Json[]; headers: Headers }> {
  const res = await fetch(`${server.base}${path}`, init);
  return { status: res.status, body: (await res.json()) as Json & Json[], headers: res.headers };
}

async function ok(path: string): Promise<Json & Json[]> {
  const r = await api(path);
  assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const one = async (q: string, values: (string | number)[] = []): Promise<unknown[]> => (await sql.query(q, values)).rows[0]!;
const num = (v: unknown): number => Number(v);

before(async () => {
  buildServeStore(db);
  server = await startServe(['--db', db]);
  sql = await StoreReader.open(db);
});

after(async () => {
  sql?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('summary: the counts of SQL on the same store, identification by confidence', async () => {
  const s = await ok('/api/summary');
  const [flows, bytes, packets, clients, servers] = await one('SELECT count(*), sum(bytes_c2s + bytes_s2c), sum(packets_c2s + packets_s2c), count(DISTINCT src), count(DISTINCT dst) FROM flows');
  assert.ok(num(flows) > 1000, `the store holds ${String(flows)} flows`);
  assert.deepEqual([s.flows, s.bytes, s.packets, s.clients, s.servers], [num(flows), num(bytes), num(packets), num(clients), num(servers)]);
  const by = s.identified_by as { confidence: string; flows: number }[];
  assert.equal(by.reduce((a, r) => a + r.flows, 0), num(flows));
  assert.ok(by.some((r) => r.confidence === 'dpi'));
  const narrowed = await ok('/api/summary?application=DNS');
  const [dns] = await one("SELECT count(*) FROM flows WHERE coalesce(application, protocol, 'unknown') = 'DNS'");
  assert.ok(num(dns) > 0);
  assert.equal(narrowed.flows, num(dns));
});

test('top lists: applications, categories, hosts, talkers, ports, risks and peers as SQL ranks them', async () => {
  const apps = await ok('/api/top/applications?limit=5');
  const expected = (await sql.query("SELECT coalesce(application, protocol, 'unknown') AS n, count(*), sum(bytes_c2s + bytes_s2c) AS b FROM flows GROUP BY n ORDER BY b DESC, n LIMIT 5")).rows;
  assert.deepEqual(apps.map((r) => [r.name, r.flows, r.bytes]), expected.map((r) => [r[0], num(r[1]), num(r[2])]));
  const hosts = await ok('/api/top/hosts');
  assert.ok(hosts.length > 0 && hosts.every((h) => typeof h.name === 'string'));
  const talkers = await ok('/api/top/talkers?limit=3');
  const [flooded] = await one("SELECT sum(bytes_c2s + bytes_s2c) FROM flows WHERE src = '192.0.2.10' OR dst = '192.0.2.10'");
  const victim = talkers.find((t) => t.address === '192.0.2.10');
  assert.ok(victim, `the flood's victim is a top talker: ${JSON.stringify(talkers)}`);
  assert.equal(victim.bytes, num(flooded));
  assert.equal(num(victim.sent) + num(victim.received), victim.bytes);
  const ports = await ok('/api/top/ports?limit=3');
  assert.ok(ports.every((p) => typeof p.port === 'number' && typeof p.l4 === 'string'));
  const risks = await ok('/api/top/risks');
  for (const r of risks) {
    const [n] = await one('SELECT count(*) FROM flows WHERE list_contains(risks, $1)', [String(r.risk)]);
    assert.equal(r.flows, num(n), String(r.risk));
    assert.match(String(r.severity), /^(low|medium|high)$/);
  }
  const peers = await ok('/api/top/peers?address=192.0.2.10&limit=100');
  assert.ok(peers.length > 10 && peers.every((p) => p.address !== '192.0.2.10'));
  assert.equal((await api('/api/top/peers')).status, 400);
  assert.equal((await ok('/api/top/categories')).length > 0, true);
});

test('timeline: buckets across the range, the top series and other, summing to the total', async () => {
  const s = await ok('/api/summary');
  for (const by of ['application', 'category', 'confidence']) {
    const t = await ok(`/api/timeline?by=${by}&series=3`);
    const series = t.series as { name: string; values: number[] }[];
    const times = t.times as number[];
    assert.ok(series.length >= 1 && series.length <= 4, by);
    assert.ok(times.length >= 2);
    for (let i = 1; i < times.length; i++) assert.equal(times[i]! - times[i - 1]!, t.step);
    assert.ok(series.every((x) => x.values.length === times.length));
    const total = series.reduce((a, x) => a + x.values.reduce((p, v) => p + v, 0), 0);
    assert.equal(total, s.bytes, `${by}: the series add up to every byte`);
  }
  const flows = await ok('/api/timeline?metric=flows&series=20');
  assert.equal((flows.series as { values: number[] }[]).reduce((a, x) => a + x.values.reduce((p, v) => p + v, 0), 0), s.flows);
  // a narrower range: finer buckets, fewer flows
  const from = num(s.first_seen) + 5;
  const narrow = await ok(`/api/timeline?from=${from}&to=${from + 20}&metric=flows`);
  assert.ok(num(narrow.step) <= 1);
  const [inRange] = await one('SELECT count(*) FROM flows WHERE epoch(first_seen) >= $1 AND epoch(first_seen) < $2', [from, from + 20]);
  assert.equal((narrow.series as { values: number[] }[]).reduce((a, x) => a + x.values.reduce((p, v) => p + v, 0), 0), num(inRange));
});

test('flows: filters narrow the table as SQL does; sorting and paging', async () => {
  const all = await ok('/api/flows?limit=5');
  const [count] = await one('SELECT count(*) FROM flows');
  assert.equal(all.total, num(count));
  const cases: [string, string, (string | number)[]][] = [
    ['application=HTTP', "coalesce(application, protocol, 'unknown') = 'HTTP'", []],
    ['protocol=DNS', "protocol = 'DNS'", []],
    ['l4=udp', "l4 = 'UDP'", []],
    ['address=192.0.2.10', "src = '192.0.2.10' OR dst = '192.0.2.10'", []],
    ['server=192.0.2.10&port=80', "dst = '192.0.2.10' AND (sport = 80 OR dport = 80)", []],
    ['risk=unidirectional_traffic', "list_contains(risks, 'unidirectional_traffic')", []],
    ['confidence=dpi', "confidence = 'dpi'", []],
  ];
  for (const [q, where, values] of cases) {
    const page = await ok(`/api/flows?${q}&limit=1000`);
    const [n] = await one(`SELECT count(*) FROM flows WHERE ${where}`, values);
    assert.ok(num(n) > 0, `${q} selects something`);
    assert.equal(page.total, num(n), q);
    assert.ok(num(page.total) < num(count), `${q} narrows`);
  }
  const host = await ok('/api/flows?host=test');
  const [hosted] = await one("SELECT count(*) FROM flows WHERE hostname = 'test' OR ends_with(hostname, '.test')");
  assert.equal(host.total, num(hosted));
  // sorted by bytes, paged: pages do not overlap and keep the order
  const p1 = (await ok('/api/flows?sort=bytes&order=desc&limit=20')).flows as Json[];
  const p2 = (await ok('/api/flows?sort=bytes&order=desc&limit=20&offset=20')).flows as Json[];
  const bytes = [...p1, ...p2].map((f) => num(f.bytes));
  assert.deepEqual(bytes, [...bytes].sort((a, b) => b - a));
  assert.equal(new Set([...p1, ...p2].map((f) => f.id)).size, 40);
  const asc = (await ok('/api/flows?sort=first_seen&order=asc&limit=50')).flows as Json[];
  const times = asc.map((f) => num(f.first_seen));
  assert.deepEqual(times, [...times].sort((a, b) => a - b));
  // a time range
  const s = await ok('/api/summary');
  const from = new Date((num(s.first_seen) + 10) * 1000).toISOString();
  const ranged = await ok(`/api/flows?from=${from}&to=${num(s.first_seen) + 15}`);
  const [inRange] = await one('SELECT count(*) FROM flows WHERE epoch(first_seen) >= $1 AND epoch(first_seen) < $2', [num(s.first_seen) + 10, num(s.first_seen) + 15]);
  assert.equal(ranged.total, num(inRange));
});

test('a flow: every stored field, its protocol tables, risks with reasons, related flows', async () => {
  // a flow with an http row (the attack mix's packets are cut to 64 bytes: the sample's is whole)
  const [id, src] = await one('SELECT CAST(flow_id AS VARCHAR), src FROM http JOIN flows USING (flow_id) ORDER BY flow_id LIMIT 1');
  const http = { id, src };
  const d = await ok(`/api/flows/${String(http.id)}`);
  const flow = d.flow as Json;
  const columns = (await sql.query("SELECT column_name FROM duckdb_columns() WHERE table_name = 'flows' AND schema_name = 'main'")).rows.map((r) => String(r[0]));
  for (const c of columns) assert.ok(c in flow, `field ${c}`);
  assert.equal(flow.flow_id, http.id);
  assert.equal(flow.src, http.src);
  assert.ok('http' in (d.protocols as Json), `protocol tables: ${Object.keys(d.protocols as Json).join(', ')}`);
  const [sameClient, sameServer] = await one('SELECT sum(CASE WHEN src = $1 THEN 1 ELSE 0 END) - 1, sum(CASE WHEN dst = $2 THEN 1 ELSE 0 END) - 1 FROM flows', [String(flow.src), String(flow.dst)]);
  const related = d.related as Json;
  assert.deepEqual([related.same_client, related.same_server], [num(sameClient), num(sameServer)]);
  const risky = ((await ok('/api/flows?risk=unidirectional_traffic&limit=1')).flows as Json[])[0]!;
  const r = await ok(`/api/flows/${String(risky.id)}`);
  const risk = (r.risks as Json[]).find((x) => x.name === 'unidirectional_traffic')!;
  assert.equal(risk.severity, 'low');
  assert.ok(typeof risk.description === 'string' && String(risk.description).length > 0);
  // the statistical features: in the record when the flow's run stored them (the mix's), absent otherwise
  const [withFeatures] = await one('SELECT CAST(flow_id AS VARCHAR) FROM flow_features ORDER BY flow_id LIMIT 1');
  const featured = (await ok(`/api/flows/${String(withFeatures)}`)).flow as Json;
  assert.ok(Array.isArray(featured.early_sizes) && (featured.early_sizes as unknown[]).length > 0, JSON.stringify(featured.early_sizes));
  assert.equal(typeof featured.pktlen_mean_c2s, 'number');
  assert.ok(!('early_sizes' in flow) && !('pktlen_mean_c2s' in flow), 'the sample run stored no features');
  assert.equal((await api('/api/flows/12345')).status, 404);
  assert.equal((await api('/api/flows/abc')).status, 400);
});

test('alerts and runs', async () => {
  const alerts = await ok('/api/alerts');
  assert.deepEqual(alerts.map((a) => `${a.kind} ${a.target}`).sort(), ['syn_flood 192.0.2.10', 'vertical_scan 203.0.113.66']);
  for (const a of alerts) for (const k of ['id', 'start', 'end', 'packets', 'peak_pps', 'sources', 'top_sources', 'evidence', 'ongoing']) assert.ok(k in a, k);
  const syn = alerts.find((a) => a.kind === 'syn_flood')!;
  assert.deepEqual((await ok('/api/alerts?address=192.0.2.10')).map((a) => a.kind), ['syn_flood']);
  assert.equal((await ok(`/api/alerts?to=${num(syn.start) - 1}`)).length, 0);
  assert.equal((await ok(`/api/alerts?from=${num(syn.start)}&to=${num(syn.end) + 1}`)).some((a) => a.kind === 'syn_flood'), true);
  assert.equal((await api('/api/alerts?application=HTTP')).status, 400, 'flow fields do not apply to alerts');
  const runs = await ok('/api/runs');
  assert.equal(runs.length, 3);
  assert.ok(runs.every((r) => r.status === 'completed' && Array.isArray(r.inputs)));
  const lastEnd = Math.max(...runs.map((r) => num(r.ended_at)));
  assert.equal((await ok(`/api/runs?from=${lastEnd + 1}`)).length, 0, 'no run ended after the range began');
  assert.equal((await ok(`/api/runs?from=${(lastEnd - 0.001).toFixed(3)}`)).length, 1, 'the last run overlaps it');
  const run = String(runs[0]!.id);
  const [inRun] = await one('SELECT count(*) FROM flows WHERE run_id = CAST($1 AS BIGINT)', [run]);
  assert.equal((await ok(`/api/flows?run=${run}`)).total, num(inRun));
});

test('hostile and bad filter values are a 400 with a message, and change nothing', async () => {
  const [before] = await one('SELECT count(*) FROM flows');
  const bad = [
    "/api/flows?application=' OR 1=1 --",
    '/api/flows?application=HTTP%00',
    '/api/flows?port=-1', '/api/flows?port=1e3', '/api/flows?port=65536', '/api/flows?port=1&port=2',
    '/api/flows?from=yesterday', '/api/flows?from=2026-13-45', '/api/flows?from=20&to=10',
    "/api/flows?address=1.2.3.4' --", '/api/flows?address=999.1.1.1', '/api/flows?client=example.com',
    '/api/flows?sort=flow_id;DROP TABLE flows', '/api/flows?order=sideways', '/api/flows?limit=100000', '/api/flows?offset=-5',
    '/api/flows?host=a..b', `/api/flows?host=${'a'.repeat(300)}`, '/api/flows?severity=urgent', '/api/flows?confidence=maybe',
    '/api/flows?run=1;2', '/api/flows?colour=red', '/api/timeline?by=src', '/api/timeline?metric=hats', '/api/timeline?series=999',
    '/api/top/hosts?limit=0', '/api/summary?risk=<script>',
  ];
  for (const path of bad) {
    const r = await api(path);
    assert.equal(r.status, 400, `${path}: ${JSON.stringify(r.body)}`);
    assert.equal(typeof r.body.error, 'string', path);
    assert.ok(!String(r.body.error).includes('\n'), 'one line');
  }
  // a name with a quote is a value like any other: bound, it matches nothing here
  assert.equal((await ok("/api/flows?application=O'Reilly")).total, 0);
  assert.equal((await api('/api/top/everything')).status, 404);
  assert.equal((await api('/api/nothing')).status, 404);
  const [afterwards] = await one('SELECT count(*) FROM flows');
  assert.equal(afterwards, before);
});

test('pages and headers: the shell, its modules and uPlot from this server, a strict content policy', async () => {
  for (const path of ['/', '/flows', '/flows/1', '/hosts/192.0.2.10', '/risks']) {
    const res = await fetch(`${server.base}${path}`);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'/);
    const html = await res.text();
    assert.ok(!/https?:\/\/(?!www\.w3\.org)/.test(html), 'nothing loaded from elsewhere');
  }
  for (const path of ['/app/main.js', '/app/vendor/uPlot.esm.js', '/style.css']) assert.equal((await fetch(`${server.base}${path}`)).status, 200, path);
  assert.equal((await fetch(`${server.base}/app/../package.json`)).status, 404);
  // another Host name (DNS rebinding) is refused by a local server
  const port = new URL(server.base).port;
  const rebound = await new Promise<string>((resolve, reject) => {
    const s = new Socket();
    s.connect(Number(port), '127.0.0.1', () => s.write('GET /api/summary HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n'));
    let out = '';
    s.on('data', (c: Buffer) => (out += c.toString()));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
  assert.match(rebound, /^HTTP\/1\.1 403/);
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

test('a non-local listen needs a token: made and printed when not given, refused without it', async () => {
  const open = await startServe(['--db', db, '--listen', '0.0.0.0']);
  try {
    assert.ok(open.token && open.token.length >= 16, open.stderr());
    const base = open.base.replace('0.0.0.0', '127.0.0.1');
    assert.equal((await fetch(`${base}/api/summary`)).status, 401);
    assert.equal((await fetch(`${base}/`)).status, 401);
    assert.equal((await fetch(`${base}/api/summary`, { headers: { authorization: 'Bearer wrong-token-x' } })).status, 401);
    assert.equal((await fetch(`${base}/api/summary`, { headers: { authorization: `Bearer ${open.token}` } })).status, 200);
    const first = await fetch(`${base}/?token=${encodeURIComponent(open.token)}`);
    assert.equal(first.status, 200);
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!;
    assert.match(first.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Strict/);
    assert.equal((await fetch(`${base}/api/flows?limit=1`, { headers: { cookie } })).status, 200, 'the cookie carries the token');
  } finally {
    await open.stop();
  }
});

test('sonde serve: one-line errors for a missing store, a taken port, bad options', async () => {
  const missing = runSonde(['serve', '--db', join(dir, 'none.duckdb')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no database at .*none\.duckdb/);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
  const port = await freePort();
  const holder = createServer().listen(port, '127.0.0.1');
  await new Promise((r) => holder.once('listening', r));
  try {
    const taken = runSonde(['serve', '--db', db, '--port', String(port)]);
    assert.equal(taken.status, 1);
    assert.match(taken.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use`));
  } finally {
    holder.close();
  }
  for (const args of [['--colour'], ['--port', 'x'], ['--listen', '0.0.0.0', '--token', 'short'], ['--cluster'], ['extra.pcap']]) {
    const r = runSonde(['serve', '--db', db, ...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
