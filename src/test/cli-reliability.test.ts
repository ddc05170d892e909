import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FIXTURES_DIR, runSonde, SONDE_BIN } from '../test-support/golden.js';
import { ethernet, ipv4, udp } from '../test-support/packet-builder.js';

// What a run does when it is stopped: by a signal (it stops within a second, writes what it saw,
// and says so in its exit status, its message and the runs table) or by kill -9 (it loses at most
// about a second of flows).

const sample = join(FIXTURES_DIR, 'sample.pcap');

/**
 * A classic pcap of `packets` UDP datagrams spread over `flows` flows (ports 1024 + i), one every
 * `gapMicros`, and optionally a last datagram `tailGapS` seconds later that ends every earlier
 * flow by the idle timeout. Built by patching one template record: captures of a million packets
 * take a few milliseconds.
 */
function udpCapture(packets: number, flows: number, gapMicros: number, tailGapS = 0): Buffer {
  const frame = ethernet(0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 17 }, udp(1024, 9999, new Uint8Array(18))));
  const record = 16 + frame.length;
  const total = packets + (tailGapS > 0 ? 1 : 0);
  const out = Buffer.alloc(24 + total * record);
  out.writeUInt32LE(0xa1b2c3d4, 0);
  out.writeUInt16LE(2, 4);
  out.writeUInt16LE(4, 6);
  out.writeUInt32LE(65535, 16);
  out.writeUInt32LE(1, 20);
  const start = 1_700_000_000;
  const portAt = 14 + 20; // Ethernet, IPv4 without options: the UDP source port
  for (let i = 0; i < total; i++) {
    const at = 24 + i * record;
    const micros = i < packets ? i * gapMicros : (packets - 1) * gapMicros + tailGapS * 1e6;
    out.writeUInt32LE(start + Math.floor(micros / 1e6), at);
    out.writeUInt32LE(micros % 1e6, at + 4);
    out.writeUInt32LE(frame.length, at + 8);
    out.writeUInt32LE(frame.length, at + 12);
    out.set(frame, at + 16);
    out.writeUInt16BE(1024 + (i % flows), at + 16 + portAt);
  }
  return out;
}

interface Exit {
  status: number | null;
  stderr: string;
  /** from the signal to the process's exit */
  afterSignalMs: number;
}

/** Starts sonde, sends it `signals` once it has been reading for `afterMs`, and waits for its exit. */
async function interrupt(args: string[], signals: NodeJS.Signals[], afterMs: number): Promise<Exit> {
  const child: ChildProcess = spawn(process.execPath, [SONDE_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await sleep(afterMs);
  const sent = performance.now();
  for (const s of signals) child.kill(s);
  const status = await exited;
  return { status, stderr, afterSignalMs: performance.now() - sent };
}

const runsOf = (db: string): Record<string, unknown>[] => {
  const r = runSonde(['query', '--db', db, '--format', 'json', 'SELECT status, packets, flows, flows_stored, (SELECT count(*) FROM flows) AS rows FROM runs ORDER BY run_id']);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
};

// 600,000 packets in 200 flows, given 12 times: a run of many seconds whose flows flush at once
const bigDir = mkdtempSync(join(tmpdir(), 'sonde-signal-'));
const big = join(bigDir, 'many-packets.pcap');
const PACKETS = 600_000;
writeFileSync(big, udpCapture(PACKETS, 200, 100));
const inputs = Array<string>(12).fill(big);

for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`${signal} mid-file: stops within a second, stores what it saw, marks the run interrupted, exits ${status}`, async () => {
    const db = join(bigDir, `${signal}.duckdb`);
    const r = await interrupt(['analyze', '--db', db, '-q', ...inputs], [signal], 1500);
    assert.equal(r.status, status, r.stderr);
    assert.ok(r.afterSignalMs < 1000, `stopped ${r.afterSignalMs.toFixed(0)} ms after ${signal}`);
    assert.match(r.stderr, new RegExp(`^sonde: interrupted \\(${signal}\\) after [\\d,]+ packets: the flows seen so far were stored; the run is marked interrupted$`, 'm'));
    const [run] = runsOf(db);
    assert.equal(run!['status'], 'interrupted');
    const packets = run!['packets'] as number;
    assert.ok(packets > 0 && packets < PACKETS * inputs.length, `${packets} packets: stopped mid-run`);
    assert.equal(run!['flows_stored'], run!['rows'], 'every flow written is in the store');
    assert.ok((run!['rows'] as number) >= 200, 'the flows of the capture being read were flushed');
  });
}

test('SIGINT without a store, and with two workers: the same prompt stop', async () => {
  for (const extra of [['--no-store'], ['--no-store', '--workers', '2'], ['--db', join(bigDir, 'workers.duckdb'), '--workers', '2']]) {
    const r = await interrupt(['analyze', ...extra, '-q', ...inputs], ['SIGINT'], 1500);
    assert.equal(r.status, 130, `${extra.join(' ')}: ${r.stderr}`);
    assert.ok(r.afterSignalMs < 1000, `${extra.join(' ')}: stopped ${r.afterSignalMs.toFixed(0)} ms after SIGINT`);
    assert.match(r.stderr, /^sonde: interrupted \(SIGINT\) after [\d,]+ packets/m);
  }
  const [run] = runsOf(join(bigDir, 'workers.duckdb'));
  assert.equal(run!['status'], 'interrupted');
  assert.equal(run!['flows_stored'], run!['rows']);
});

test('a second SIGINT stops at once, saying so', async () => {
  const r = await interrupt(['analyze', '--db', join(bigDir, 'twice.duckdb'), '-q', ...inputs], ['SIGINT', 'SIGINT'], 1500);
  assert.equal(r.status, 130);
  assert.ok(r.afterSignalMs < 1000, `stopped ${r.afterSignalMs.toFixed(0)} ms after the signals`);
});

test('kill -9: the flows that ended more than about a second before are committed; readers see the run as dead', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sonde-kill-'));
  const db = join(dir, 'killed.duckdb');
  // 5,000 one-packet flows, then a packet 1,000 s later that ends them all by the idle timeout;
  // standard input stays open, so the run is still going when it is killed
  const FLOWS = 5000;
  const child = spawn(process.execPath, [SONDE_BIN, 'analyze', '--db', db, '-q', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  child.stdin.write(udpCapture(FLOWS, FLOWS, 10, 1000));
  // start-up, the batch sent within 0.25 s, its commit within 1 s: well inside 3.5 s
  await sleep(3500);
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL', stderr);
  const [run] = runsOf(db);
  assert.equal(run!['rows'], FLOWS, 'every flow that had ended was committed');
  assert.equal(run!['status'], 'interrupted', 'a reader sees the dead run as dead');
});

test('runs: a bad input among good ones is completed_with_errors; when every input fails, the errors alone and failed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sonde-status-'));
  const db = join(dir, 'status.duckdb');
  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'not a capture');
  const mixed = runSonde(['analyze', '--db', db, text, sample]);
  assert.equal(mixed.status, 1);
  assert.match(mixed.stdout, /^sonde analyze: 1 capture, 39 packets/m);
  const failed = runSonde(['analyze', '--db', db, text, join(dir, 'missing.pcap')]);
  assert.equal(failed.status, 1);
  assert.equal(failed.stdout, '', 'no summary of zeros');
  const errors = failed.stderr.trim().split('\n');
  assert.equal(errors.length, 2, failed.stderr);
  assert.match(errors[0]!, /notes\.txt: not a pcap or pcapng capture/);
  assert.match(errors[1]!, /cannot open '.*missing\.pcap'/);
  const ok = runSonde(['analyze', '--db', db, sample]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(runsOf(db).map((r) => r['status']), ['completed_with_errors', 'failed', 'completed']);
});

test('--clickhouse takes http:// URLs only; an unusable --spool folder is one line at the start, before any work', () => {
  const ftp = runSonde(['analyze', '--no-store', '--clickhouse', 'ftp://127.0.0.1/', sample]);
  assert.equal(ftp.status, 2);
  assert.equal(ftp.stderr, "sonde: option '--clickhouse' needs an http:// URL such as http://127.0.0.1:8123/?database=sonde, not 'ftp://127.0.0.1/'\n");
  const dir = mkdtempSync(join(tmpdir(), 'sonde-spool-'));
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  // port 9 (discard) is closed here: the spool would be needed at once
  const spoolWith = (spool: string, asUser = false): ReturnType<typeof runSonde> => {
    const args = ['analyze', '--no-store', '-q', '--clickhouse', 'http://127.0.0.1:9/', '--spool', spool, sample];
    if (!asUser || process.getuid?.() !== 0) return runSonde(args);
    // root may write anywhere: the permission check is seen as an ordinary user
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, SONDE_BIN, ...args], { encoding: 'utf8', cwd: dir });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const notFolder = spoolWith(file);
  assert.equal(notFolder.status, 1);
  assert.equal(notFolder.stderr, `sonde: the spool folder '${file}' is not a folder; give --spool a folder sonde can write (it is made when missing)\n`);
  const under = spoolWith(join(file, 'spool'));
  assert.equal(under.status, 1);
  assert.match(under.stderr, /^sonde: the spool folder '.*a-file\/spool' cannot be made: a part of its path is a file; give --spool a folder/);
  const locked = join(dir, 'locked');
  mkdirSync(locked, { mode: 0o555 });
  chmodSync(dir, 0o755);
  const denied = spoolWith(join(locked, 'spool'), true);
  assert.equal(denied.status, 1, denied.stderr);
  assert.match(denied.stderr, /^sonde: the folder '.*locked', where the spool folder '.*locked\/spool' would be made, is not writable \(permission denied\); give --spool/);
  assert.equal(denied.stderr.split('\n').length, 2, 'one line');
});
