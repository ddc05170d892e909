import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openInput } from '../cli/input.js';
import { busyCapture, setCapturedLength } from '../test-support/busy-capture.js';
import { runSonde, type CliRun } from '../test-support/golden.js';

// Damaged and compressed captures on the command line: what is kept, what is said, the exit code.

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

test('a gzip-compressed capture is read directly, whatever its name, from a file or standard input (one and two workers)', () => {
  const compressed = gzipSync(capture.file);
  const gz = join(dir, 'busy.pcap.gz');
  const misnamed = join(dir, 'gzipped-but-named.pcap');
  writeFileSync(gz, compressed);
  writeFileSync(misnamed, compressed);
  for (const run of [analyzeJsonl(gz), analyzeJsonl(misnamed), analyzeJsonl('--workers', '2', gz), runSonde(['analyze', '--format', 'jsonl', '-'], compressed)]) {
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.deepEqual(flows(run), flows(plain));
  }
});

test('reading a .gz counts progress in the file\'s own bytes, so the bar ends at 100%', async () => {
  const gz = join(dir, 'progress.pcap.gz');
  writeFileSync(gz, gzipSync(capture.file));
  const input = openInput(gz);
  assert.equal(input.size, statSync(gz).size);
  let decompressed = 0;
  for await (const chunk of input.chunks()) {
    decompressed += chunk.length;
    assert.ok(input.bytesRead <= input.size, `${input.bytesRead} of ${input.size} bytes`);
  }
  assert.equal(decompressed, capture.file.length);
  assert.equal(input.bytesRead, input.size);
});

test('a cut or damaged .gz is one line, exit 1, with the packets before the damage analysed', () => {
  const compressed = gzipSync(capture.file);
  const cut = join(dir, 'cut.pcap.gz');
  writeFileSync(cut, compressed.subarray(0, compressed.length >> 1));
  const r = analyzeJsonl(cut);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `sonde: ${cut}: the gzip stream ends early (unexpected end of file): the file is cut short; the packets before the cut were analysed\n`);
  const kept = packets(flows(r));
  assert.ok(kept > 500 && kept < 1540, `${kept} packets`);

  const damaged = Buffer.from(compressed);
  // the CRC of the data, in the gzip trailer
  damaged.writeUInt32LE(damaged.readUInt32LE(damaged.length - 8) ^ 1, damaged.length - 8);
  const damagedPath = join(dir, 'damaged.pcap.gz');
  writeFileSync(damagedPath, damaged);
  const d = analyzeJsonl(damagedPath, plainPath);
  assert.equal(d.status, 1);
  assert.equal(d.stderr, `sonde: ${damagedPath}: the gzip stream is corrupt (incorrect data check); the packets before the damage were analysed\n`);
  assert.ok(packets(flows(d)) > 1540, 'the damaged file\'s packets, and then all of the plain one');
});

const unreadable = [
  { name: 'xz', suffix: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], compress: ['xz', '-c'], inPlace: 'xz -dk', toStdout: 'xz -dc' },
  { name: 'zstd', suffix: 'zst', magic: [0x28, 0xb5, 0x2f, 0xfd], compress: ['zstd', '-qc'], inPlace: 'zstd -d', toStdout: 'zstd -dc' },
  { name: 'bzip2', suffix: 'bz2', magic: [0x42, 0x5a, 0x68, 0x39], compress: ['bzip2', '-c'], inPlace: 'bzip2 -dk', toStdout: 'bzip2 -dc' },
];

for (const c of unreadable) {
  test(`a ${c.name}-compressed capture is one line naming the command, exit 1, and the other inputs are still processed`, async (t) => {
    const files: Uint8Array[] = [Uint8Array.from([...c.magic, 0, 0, 0, 0])];
    if (hasCommand(c.compress[0]!)) {
      files.push(spawnSync(c.compress[0]!, c.compress.slice(1), { input: capture.file, maxBuffer: 64 << 20 }).stdout);
    } else {
      t.diagnostic(`${c.compress[0]} is not installed: only a file with its magic bytes is tried`);
    }
    for (const [i, bytes] of files.entries()) {
      const path = join(dir, `capture-${i}.pcap.${c.suffix}`);
      writeFileSync(path, bytes);
      const r = analyzeJsonl(path, plainPath);
      assert.equal(r.status, 1);
      assert.equal(r.stderr, `sonde: ${path}: compressed with ${c.name}: decompress it first (${c.inPlace} ${path}) or pipe it: ${c.toStdout} ${path} | sonde analyze -\n`);
      assert.deepEqual(flows(r), flows(plain));
      const piped = runSonde(['analyze', '-'], bytes);
      assert.equal(piped.status, 1);
      assert.equal(piped.stderr, `sonde: -: standard input is compressed with ${c.name}: decompress it on the way in: ${c.toStdout} FILE | sonde analyze -\n`);
    }
    const misnamed = join(dir, `capture.${c.name}-without-suffix`);
    writeFileSync(misnamed, files[0]!);
    assert.equal(analyzeJsonl(misnamed).stderr, `sonde: ${misnamed}: compressed with ${c.name}: pipe it through ${c.name}: ${c.toStdout} ${misnamed} | sonde analyze -\n`);
  });
}
