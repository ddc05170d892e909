import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAttackMix } from '../test-support/attack-mix.js';
import { runSonde, SONDE_BIN } from '../test-support/golden.js';

// `sonde live` end to end, on a veth pair between two network namespaces made for the test (the
// addresses exist only inside them): a web server and a DNS responder in one, clients and then a
// bounded SYN flood and port scan (tcpreplay of attack-mix packets) from the other. sonde runs
// in the first namespace on its end of the pair; the store must hold the flows, their
// applications, and the two alerts. Skipped where namespaces cannot be made (not root, no
// iproute2, no tcpdump or tcpreplay).

const tag = `s${process.pid % 100_000}`;
const NS_SERVER = `${tag}-srv`;
const NS_CLIENT = `${tag}-cli`;
const SERVER = '10.213.0.1';
const CLIENT = '10.213.0.2';

const sh = (cmd: string, args: string[]): { ok: boolean; out: string } => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
};

function whyNot(): string | false {
  for (const tool of ['ip', 'tcpdump', 'tcpreplay']) if (!sh('sh', ['-c', `command -v ${tool}`]).ok) return `'${tool}' is not installed (apt-get install iproute2 tcpdump tcpreplay)`;
  const probe = `${tag}-probe`;
  const r = sh('ip', ['netns', 'add', probe]);
  if (!r.ok) return `cannot make network namespaces here (${r.out.trim().split('\n')[0]}): run as root`;
  sh('ip', ['netns', 'del', probe]);
  return false;
}

const skip = whyNot();

function setUp(): void {
  const steps: string[][] = [
    ['netns', 'add', NS_SERVER],
    ['netns', 'add', NS_CLIENT],
    ['link', 'add', `${tag}a`, 'type', 'veth', 'peer', 'name', `${tag}b`],
    ['link', 'set', `${tag}a`, 'netns', NS_SERVER],
    ['link', 'set', `${tag}b`, 'netns', NS_CLIENT],
    ['-n', NS_SERVER, 'addr', 'add', `${SERVER}/24`, 'dev', `${tag}a`],
    ['-n', NS_CLIENT, 'addr', 'add', `${CLIENT}/24`, 'dev', `${tag}b`],
    ['-n', NS_SERVER, 'link', 'set', `${tag}a`, 'up'],
    ['-n', NS_CLIENT, 'link', 'set', `${tag}b`, 'up'],
    ['-n', NS_SERVER, 'link', 'set', 'lo', 'up'],
    ['-n', NS_CLIENT, 'link', 'set', 'lo', 'up'],
  ];
  for (const s of steps) {
    const r = sh('ip', s);
    if (!r.ok) throw new Error(`ip ${s.join(' ')}: ${r.out}`);
  }
}

function tearDown(): void {
  sh('ip', ['netns', 'del', NS_SERVER]);
  sh('ip', ['netns', 'del', NS_CLIENT]);
}

/** an HTTP server on :8080 and a DNS responder on :53 answering every A query with SERVER */
const SERVERS_SCRIPT = `
const http = require('node:http'); const dgram = require('node:dgram');
http.createServer((req, res) => { res.setHeader('content-type', 'text/plain'); res.end('hello from the test server\\n'); }).listen(8080, '${SERVER}');
const dns = dgram.createSocket('udp4');
dns.on('message', (q, from) => {
  const answer = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ${SERVER.split('.').join(', ')}]);
  const r = Buffer.concat([q, answer]); r[2] = 0x81; r[3] = 0x80; r[7] = 1;
  dns.send(r, from.port, from.address);
});
dns.bind(53, '${SERVER}');
`;

/** 20 web requests and 10 DNS queries, one after another */
const CLIENT_SCRIPT = `
const http = require('node:http'); const dgram = require('node:dgram');
const get = () => new Promise((ok, ko) => http.get({ host: '${SERVER}', port: 8080, path: '/', agent: false, headers: { host: 'www.example.org' } }, (r) => { r.resume(); r.on('end', ok); }).on('error', ko));
const query = (id) => new Promise((ok) => {
  const s = dgram.createSocket('udp4');
  const name = Buffer.from([7, ...Buffer.from('example'), 3, ...Buffer.from('org'), 0]);
  const q = Buffer.concat([Buffer.from([id >> 8, id & 255, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), name, Buffer.from([0, 1, 0, 1])]);
  s.on('message', () => { s.close(); ok(); }); s.send(q, 53, '${SERVER}');
  setTimeout(() => { try { s.close(); } catch {} ok(); }, 1000);
});
(async () => { for (let i = 0; i < 20; i++) await get(); for (let i = 0; i < 10; i++) await query(100 + i); })().catch((e) => { console.error(e); process.exit(1); });
`;

const POKE_SCRIPT = `const s = require('dgram').createSocket('udp4'); s.send('x', 9, '${SERVER}', () => s.close());`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('sonde live on a veth pair: flows, applications and a SYN flood and port scan in the store', { skip, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sonde-live-'));
  const db = join(dir, 'live.duckdb');
  const alertsFile = join(dir, 'alerts.jsonl');
  const attacks = join(dir, 'attacks.pcap');
  writeFileSync(attacks, buildAttackMix({
    durationS: 1, sessionsPerS: 0,
    attacks: [
      { kind: 'syn_flood', startS: 0, durationS: 3, pps: 4000, target: SERVER },
      { kind: 'vertical_scan', startS: 3.5, durationS: 4, pps: 300, target: CLIENT, victim: SERVER },
    ],
  }).pcap);
  // flows of 2026-01 already in the store: --retain 30d deletes them as the live run starts
  const old = buildAttackMix({ durationS: 2, sessionsPerS: 5, attacks: [], startMicros: Date.now() * 1000 - 90 * 86_400e6 });
  const oldCapture = join(dir, 'old.pcap');
  writeFileSync(oldCapture, old.pcap);
  const before = runSonde(['analyze', oldCapture, '--db', db, '--no-detect', '-q']);
  assert.equal(before.status, 0, before.stderr);
  tearDown();
  setUp();
  let servers: ChildProcess | null = null;
  let sonde: ChildProcess | null = null;
  try {
    servers = spawn('ip', ['netns', 'exec', NS_SERVER, process.execPath, '-e', SERVERS_SCRIPT], { stdio: 'ignore' });
    let sondeErr = '';
    sonde = spawn('ip', ['netns', 'exec', NS_SERVER, process.execPath, SONDE_BIN, 'live', '-i', `${tag}a`, '--db', db, '--alerts', alertsFile, '--idle-timeout', '5', '--duration', '60', '--stats-every', '1', '--retain', '30d', '--serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    sonde.stderr!.on('data', (d: Buffer) => (sondeErr += d.toString()));
    sonde.stdout!.resume();
    const sondeExit = new Promise<number | null>((resolve) => sonde!.on('close', (code) => resolve(code)));
    // tcpdump's start takes longer on a loaded machine: poke the server until sonde counts packets
    const deadline = Date.now() + 30_000;
    while (!/"packets":[1-9]/.test(sondeErr)) {
      assert.ok(Date.now() < deadline, `sonde live saw no packet in 30 s: ${sondeErr}`);
      sh('ip', ['netns', 'exec', NS_CLIENT, process.execPath, '-e', POKE_SCRIPT]);
      await sleep(500);
    }
    const clients = sh('ip', ['netns', 'exec', NS_CLIENT, process.execPath, '-e', CLIENT_SCRIPT]);
    assert.ok(clients.ok, clients.out);
    const replay = sh('ip', ['netns', 'exec', NS_CLIENT, 'tcpreplay', '-q', '-i', `${tag}b`, attacks]);
    assert.ok(replay.ok, replay.out);
    // detection windows close by the clock; then SIGTERM: every flow written, the store closed, exit 0
    await sleep(5000);
    // the dashboard served by the writing process (inside the server's namespace) already shows the flood
    const base = /the dashboard is at (http:\/\/\S+?)\/(\s|$)/.exec(sondeErr)?.[1];
    assert.ok(base, sondeErr);
    const ask = (path: string): string => {
      const r = sh('ip', ['netns', 'exec', NS_SERVER, process.execPath, '-e', `fetch(${JSON.stringify(base + path)}).then((r) => r.text()).then((t) => process.stdout.write(t))`]);
      assert.ok(r.ok, r.out);
      return r.out;
    };
    assert.match(ask('/api/alerts'), /"kind":"syn_flood","target":"10\.213\.0\.1"/);
    assert.match(ask('/api/runs'), /"status":"running","inputs":\["live:/);
    sonde.kill('SIGTERM');
    const code = await sondeExit;
    sonde = null;
    assert.equal(code, 0, sondeErr);
    assert.match(sondeErr, /alert started: syn_flood 10\.213\.0\.1/);
    assert.match(sondeErr, /sonde: retention: deleted \d+ flows that ended before /);
    const ages = runSonde(['query', '--db', db, "SELECT count(*) FILTER (WHERE last_seen < now() - INTERVAL 30 DAY) AS old, count(*) AS all FROM flows", '--format', 'json']);
    assert.equal(ages.status, 0, ages.stderr);
    const counts = JSON.parse(ages.stdout) as { old: number; all: number };
    assert.equal(counts.old, 0, 'the flows older than 30 days are gone');
    assert.ok(counts.all >= 30, ages.stdout);

    const apps = runSonde(['query', '--db', db, "SELECT coalesce(application, protocol) AS name, count(*) AS n FROM flows WHERE src = '10.213.0.2' GROUP BY 1 ORDER BY 1", '--format', 'json']);
    assert.equal(apps.status, 0, apps.stderr);
    const byName = Object.fromEntries(apps.stdout.trim().split('\n').map((l) => JSON.parse(l) as { name: string; n: number }).map((r) => [r.name, r.n]));
    assert.ok((byName['HTTP'] ?? 0) >= 20, apps.stdout);
    assert.ok((byName['DNS'] ?? 0) >= 10, apps.stdout);
    const stored = runSonde(['alerts', '--db', db, '--format', 'json']);
    assert.equal(stored.status, 0, stored.stderr);
    const alerts = stored.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(alerts.map((a) => `${a['kind']} ${a['target']} ${a['ongoing']}`).sort(), ['syn_flood 10.213.0.1 false', 'vertical_scan 10.213.0.2 false']);
    const lines = readFileSync(alertsFile, 'utf8').trim().split('\n');
    assert.equal(lines.length, 4);
    const runs = runSonde(['query', '--db', db, 'SELECT status, inputs FROM runs', '--format', 'json']);
    assert.match(runs.stdout, /"status":"completed","inputs":\["live:/);
  } finally {
    sonde?.kill('SIGKILL');
    servers?.kill('SIGKILL');
    await sleep(200);
    tearDown();
  }
});
