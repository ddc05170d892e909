import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyCapture, setCapturedLength } from '../test-support/busy-capture.js';
import { runSonde, type CliRun } from '../test-support/golden.js';

// Damaged captures on the command line: what is kept, what is said, the exit code.

const dir = mkdtempSync(join(tmpdir(), 'sonde-captures-'));
const capture = busyCapture();
const plainPath = join(dir, 'busy.pcap');
writeFileSync(plainPath, capture.file);

type FlowRecord = Record<string, unknown>;

/** The flow records of a run, without the capture's name, in one order whatever the workers did. */
function flows(run: CliRun): FlowRecord[] {
  return run.stdout
    .split('\n')
    .filter((line) => line)
    .map((line) => {
      const record = JSON.parse(line) as FlowRecord;
      delete record['capture'];
      return record;
    })
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

const packets = (records: FlowRecord[]): number => records.reduce((n, r) => n + (r['packets_c2s'] as number) + (r['packets_s2c'] as number), 0);
const analyzeJsonl = (...args: string[]): CliRun => runSonde(['analyze', '--format', 'jsonl', ...args]);
const hasCommand = (command: string): boolean => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;

const plain = analyzeJsonl(plainPath);

test('the uncorrupted capture: 1,540 packets in 20 flows, and nothing on stderr', () => {
  assert.equal(plain.status, 0, plain.stderr);
  assert.equal(plain.stderr, '');
  assert.equal(flows(plain).length, 20);
  assert.equal(packets(flows(plain)), 1540);
});

test('a corrupt record is one error line saying where and what was skipped, exit 1, and every other record is kept (one and two workers)', () => {
  const file = capture.file.slice();
  const corruptAt = capture.offsets[1000]!;
  const resumeAt = capture.offsets[1001]!;
  setCapturedLength(file, corruptAt, 900_000);
  const path = join(dir, 'big.pcap');
  writeFileSync(path, file);
  const expectedError =
    `sonde: ${path}: error: corrupt record at byte ${corruptAt} (record 1001): captured length 900000 exceeds the snap length 262144; ` +
    `skipped ${resumeAt - corruptAt} bytes to the next plausible record at byte ${resumeAt}\n`;
  // only the flow of packet 1001 (the first flow: its frames are 0, 20, 40, …) lost a packet
  const lostFrame = capture.records[1000]!.data;
  const expected = flows(plain).map((record) => {
    if (record['src'] !== '10.0.0.1') return record;
    return { ...record, packets_c2s: (record['packets_c2s'] as number) - 1, bytes_c2s: (record['bytes_c2s'] as number) - lostFrame.length };
  });
  const oneWorker = analyzeJsonl(path);
  assert.equal(oneWorker.status, 1);
  assert.equal(oneWorker.stderr, expectedError);
  const kept = flows(oneWorker);
  assert.equal(packets(kept), 1539);
  for (const [i, record] of kept.entries()) {
    for (const field of ['src', 'sport', 'dst', 'dport', 'packets_c2s', 'packets_s2c', 'bytes_c2s', 'bytes_s2c', 'first_seen']) {
      assert.deepEqual(record[field], expected[i]![field], `flow ${i}: ${field}`);
    }
  }
  const twoWorkers = analyzeJsonl('--workers', '2', path);
  assert.equal(twoWorkers.status, 1);
  assert.equal(twoWorkers.stderr, expectedError);
  assert.deepEqual(flows(twoWorkers), kept);

  const summary = runSonde(['analyze', path]);
  assert.equal(summary.status, 1);
  assert.match(summary.stdout, /^sonde analyze: 1 capture, 1,539 packets/m);
  assert.match(summary.stdout, /^\s+capture_record_corrupt\s+1$/m);
});

test('tshark finds the same corrupt record', { skip: hasCommand('tshark') ? false : 'tshark is not installed' }, () => {
  const file = capture.file.slice();
  setCapturedLength(file, capture.offsets[1000]!, 300_000);
  const path = join(dir, 'big-300k.pcap');
  writeFileSync(path, file);
  const tshark = spawnSync('tshark', ['-n', '-r', path, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
  // it stops there: the 1,000 frames before it are all it reads
  assert.match(tshark.stderr, /300000-byte packet, bigger than maximum of 262144/);
  assert.equal(tshark.stdout.trim().split('\n').length, 1000);
  const r = analyzeJsonl(path);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /\(record 1001\): captured length 300000 exceeds the snap length 262144; skipped \d+ bytes/);
  assert.equal(packets(flows(r)), 1539);
});
