import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlowAddressHasher } from '../decode/address-hash.js';
import { writePcap, type PcapRecord } from '../test-support/capture-writer.js';
import { conversationFrames, hexBytes as hex } from '../test-support/dpi-test-kit.js';
import { FIXTURES_DIR, runSonde } from '../test-support/golden.js';
import { corpusCaptures, ndpiCorpusDir, CORPUS_MISSING_MESSAGE } from '../test-support/corpus.js';
import { createDpiEngine } from '../dpi/index.js';
import { flowRecord, type FlowView } from '../flow/schema.js';
import { type CaptureRun, LocalCaptureRun } from './capture-run.js';
import { OrderedMerge } from './ordered-merge.js';
import { ShardedCaptureRun } from './sharded.js';
import { shardOf } from './shard.js';

// --workers N: the packets are shared out by a symmetric hash of their flow's addresses, and the
// records are those of one worker (order aside), cross-flow naming (DNS answers, call sockets) and timeouts included.

test('OrderedMerge emits in key order across streams, and only below every watermark', () => {
  const m = new OrderedMerge<string>(3);
  m.push(0, 4, 'a4');
  m.push(0, 9, 'a9');
  m.push(1, 1, 'b1');
  m.push(1, 9, 'b9');
  m.push(2, 4, 'c4');
  const out: string[] = [];
  m.advance(0, 10);
  m.advance(1, 10);
  m.drain((x) => out.push(x));
  assert.equal(out.length, 0, 'stream 2 has not said how far it came');
  m.advance(2, 5);
  m.drain((x) => out.push(x));
  assert.deepEqual(out, ['b1', 'a4', 'c4'], 'equal keys: the lower stream first');
  assert.equal(m.waiting, 2);
  m.advance(2, 100);
  m.drain((x) => out.push(x));
  assert.deepEqual(out, ['b1', 'a4', 'c4', 'a9', 'b9']);
  assert.equal(m.waiting, 0);
  assert.throws(() => {
    m.push(0, 20, 'x');
    m.push(0, 19, 'y');
  }, /key 19 after 20/);
});

test('OrderedMerge keeps its order over many items (compaction included)', () => {
  const m = new OrderedMerge<number>(2);
  const out: number[] = [];
  for (let k = 0; k < 5000; k++) {
    m.push(k % 2, k, k);
    if (k % 700 === 0) {
      m.advance(0, k);
      m.advance(1, k);
      m.drain((x) => out.push(x));
    }
  }
  m.advance(0, Infinity);
  m.advance(1, Infinity);
  m.drain((x) => out.push(x));
  assert.deepEqual(out, Array.from({ length: 5000 }, (_, k) => k));
});

test('shardOf spreads address hashes evenly over the workers', () => {
  const counts = [0, 0, 0];
  const hasher = new FlowAddressHasher();
  const frame = hex('02 00 00 00 00 0b 02 00 00 00 00 0a 08 00 45 00 00 14 00 01 00 00 40 11 00 00 0a 00 00 00 c6 33 64 00');
  const view = new DataView(frame.buffer, frame.byteOffset);
  for (let i = 0; i < 30000; i++) {
    // neighbouring clients of a few servers, as on a site's network
    view.setUint32(26, 0x0a000000 + i);
    view.setUint32(30, 0xc6336400 + (i % 5));
    const s = shardOf(hasher.hash(frame, 0, frame.length, frame.length, 1), 3);
    assert.ok(s >= 0 && s < 3);
    counts[s]!++;
  }
  for (const c of counts) assert.ok(Math.abs(c - 10000) < 600, `shares ${counts.join(', ')}`);
  assert.equal(shardOf(0x12340000, 2), shardOf(0x1234ffff, 2), 'from the high bits');
  assert.equal(shardOf(0xffffffff, 7), 6);
  assert.equal(shardOf(0, 7), 0);
});

const DNS_SERVER = '192.0.2.53';
const CLIENT = '192.0.2.10';
/** an A answer for www.google.com (an application in the database): `address` */
function googleAnswer(id: number, address: string): [Uint8Array, Uint8Array] {
  const idHex = id.toString(16).padStart(4, '0');
  const name = '03 777777 06 676f6f676c65 03 636f6d 00';
  const a = address.split('.').map((n) => Number(n).toString(16).padStart(2, '0')).join('');
  return [hex(`${idHex} 0100 0001 0000 0000 0000 ${name} 0001 0001`), hex(`${idHex} 8180 0001 0001 0000 0000 ${name} 0001 0001 c00c 0001 0001 0000003c 0004 ${a}`)];
}

/** the worker (of `count`) that keeps the flow of a frame */
function shardOfFrame(frame: Uint8Array, count: number): number {
  return shardOf(new FlowAddressHasher().hash(frame, 0, frame.length, frame.length, 1), count);
}

/**
 * DNS answers that name later flows to their addresses (often kept by another worker than the
 * DNS flow), a flow that ended before its address was answered, and packets out of time order
 * around idle timeouts.
 */
function crossFlowCapture(): { pcap: Uint8Array; splitPairs: number; serverB: string } {
  const records: PcapRecord[] = [];
  let ts = 1_700_000_000_000_000;
  const at = (frames: Uint8Array[], step = 1000): void => {
    for (const data of frames) records.push({ ts: (ts += step), data });
  };
  // a flow to .99 that ends (idle, 30 s) before .99 is answered: not named by the answer
  at(conversationFrames([{ dir: 0, payload: 'early' }], { transport: 'tcp', serverPort: 5222, client: CLIENT, server: '198.51.100.99', clientPort: 39999 }));
  ts += 60_000_000;
  let splitPairs = 0;
  for (let i = 0; i < 8; i++) {
    const address = `198.51.100.${i === 0 ? 99 : 20 + i}`;
    const [q, a] = googleAnswer(i + 1, address);
    const dns = conversationFrames([{ dir: 0, payload: q }, { dir: 1, payload: a }], { transport: 'udp', serverPort: 53, client: CLIENT, server: DNS_SERVER, clientPort: 41000 + i });
    const later = conversationFrames([{ dir: 0, payload: new Uint8Array([1, 2, 3, 4]) }], { transport: 'tcp', serverPort: 5222, client: CLIENT, server: address, clientPort: 40000 + i });
    if (shardOfFrame(dns[0]!, 2) !== shardOfFrame(later[0]!, 2)) splitPairs++;
    at(dns);
    at(later);
  }
  // out of time order (idle timeout 30 s): flow B's first packet is 40 s older than the packet
  // before it (flow A's, kept by the other worker). A flow times out by the capture's clock, so B
  // is not idle yet 20 s later, whether A shares its table or not, and its next packet continues it
  ts += 60_000_000;
  const udpFrame = (server: string, clientPort: number): Uint8Array => conversationFrames([{ dir: 0, payload: 'x' }], { transport: 'udp', serverPort: 9999, client: CLIENT, server, clientPort })[0]!;
  const a = udpFrame('203.0.113.7', 30000);
  // workers share out address pairs: B's server is the first after .7 that another worker keeps
  let host = 8;
  while (shardOfFrame(udpFrame(`203.0.113.${host}`, 30001), 2) === shardOfFrame(a, 2)) host++;
  const serverB = `203.0.113.${host}`;
  const b = udpFrame(serverB, 30001);
  records.push({ ts: ts + 50_000_000, data: a });
  records.push({ ts: ts + 10_000_000, data: b });
  records.push({ ts: ts + 70_000_000, data: udpFrame('203.0.113.250', 30000) });
  records.push({ ts: ts + 75_000_000, data: b });
  return { pcap: writePcap(records, { linkType: 1 }), splitPairs, serverB };
}

const sortedRecords = (stdout: string): string[] => stdout.split('\n').filter((l) => l).sort();
const summaryOf = (stdout: string): string => stdout.split('\n').slice(1).join('\n'); // the first line has the time taken

test('--workers 2 and 3 give the records and summary of one worker: DNS answers name flows kept by another worker, in capture order', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sonde-workers-'));
  const { pcap, splitPairs, serverB } = crossFlowCapture();
  assert.ok(splitPairs > 0, 'some answered address should have its flow in another worker than its DNS flow');
  const path = join(dir, 'cross-flow.pcap');
  writeFileSync(path, pcap);
  const args = ['analyze', '--format', 'jsonl', '--idle-timeout', '30', path];
  const one = runSonde([...args, '--workers', '1']);
  assert.equal(one.status, 0, one.stderr);
  const records = one.stdout.split('\n').filter((l) => l).map((l) => JSON.parse(l) as Record<string, unknown>);
  const to5222 = records.filter((r) => r['dport'] === 5222);
  assert.equal(to5222.length, 9);
  const named = to5222.filter((r) => r['confidence'] === 'dns-cache' && r['application'] === 'Google');
  assert.equal(named.length, 8, 'every flow after its answer is named by it');
  const early = to5222.find((r) => r['sport'] === 39999)!;
  assert.notEqual(early['confidence'], 'dns-cache', 'a flow that ended before the answer is not named by it');
  const flowB = records.filter((r) => r['dst'] === serverB);
  assert.equal(flowB.length, 1, 'a packet from the past does not make its flow idle sooner');
  assert.equal(flowB[0]!['packets_c2s'], 2);
  for (const workers of ['2', '3']) {
    const many = runSonde([...args, '--workers', workers]);
    assert.equal(many.status, 0, many.stderr);
    assert.deepEqual(sortedRecords(many.stdout), sortedRecords(one.stdout), `--workers ${workers}`);
  }
  const table1 = runSonde(['analyze', path, '--idle-timeout', '30']);
  const table2 = runSonde(['analyze', path, '--idle-timeout', '30', '--workers', '2']);
  assert.equal(summaryOf(table2.stdout), summaryOf(table1.stdout));
});

test('--workers 2 on every fixture (tunnels, fragments, pcapng, malformed, truncated) and on standard input: same records, summary and messages', () => {
  const fixtures = ['sample.pcap', 'tunnels.pcap', 'fragments.pcap', 'two-interfaces.pcapng', 'malformed.pcap', 'truncated-end.pcap', 'link-sll2.pcap'].map((f) => join(FIXTURES_DIR, f));
  const one = runSonde(['analyze', '--format', 'jsonl', ...fixtures]);
  const two = runSonde(['analyze', '--format', 'jsonl', '--workers', '2', ...fixtures]);
  assert.equal(two.status, one.status);
  assert.ok(sortedRecords(one.stdout).length > 30);
  assert.deepEqual(sortedRecords(two.stdout), sortedRecords(one.stdout));
  assert.equal(two.stderr, one.stderr);
  // one worker through the workers' path (what `npm run bench` measures as sonde-worker-path)
  const workerPath = runSonde(['analyze', '--format', 'jsonl', ...fixtures], undefined, { SONDE_WORKER_PATH: '1' });
  assert.deepEqual(sortedRecords(workerPath.stdout), sortedRecords(one.stdout));
  assert.equal(workerPath.stderr, one.stderr);
  const table1 = runSonde(['analyze', ...fixtures]);
  const table2 = runSonde(['analyze', '--workers', '2', ...fixtures]);
  assert.equal(summaryOf(table2.stdout), summaryOf(table1.stdout));
  assert.match(table2.stdout, /Anomalies/);
  const stdin = runSonde(['analyze', '--format', 'jsonl', '--workers', '2', '-'], readFileSync(fixtures[0]!));
  assert.equal(stdin.status, 0, stdin.stderr);
  assert.deepEqual(sortedRecords(stdin.stdout).map(withoutCapture), sortedRecords(runSonde(['analyze', '--format', 'jsonl', fixtures[0]!]).stdout).map(withoutCapture));
});

test('--workers takes a whole number from 1 to 64', () => {
  for (const bad of ['0', '65', 'two', '1.5', '2e0x']) {
    const r = runSonde(['analyze', '--workers', bad, join(FIXTURES_DIR, 'sample.pcap')]);
    assert.equal(r.status, 2, `--workers ${bad}`);
    assert.equal(r.stderr, `sonde: option '--workers' needs a whole number from 1 to 64, not '${bad}'\n`);
  }
});

test('--workers 3 over the whole nDPI corpus in one run: the records of one worker', (t) => {
  const dir = ndpiCorpusDir();
  if (!dir) {
    t.skip(CORPUS_MISSING_MESSAGE);
    return;
  }
  const captures = corpusCaptures(dir).map((f) => join(dir, 'pcap', f));
  const one = runSonde(['analyze', '--format', 'jsonl', ...captures]);
  const three = runSonde(['analyze', '--format', 'jsonl', '--workers', '3', ...captures]);
  assert.equal(three.status, one.status);
  const a = sortedRecords(one.stdout);
  assert.ok(a.length > 4000);
  assert.deepEqual(sortedRecords(three.stdout), a);
});

function withoutCapture(line: string): string {
  const r = JSON.parse(line) as Record<string, unknown>;
  delete r['capture'];
  return JSON.stringify(r);
}

/** every record of a run, as JSON lines sorted (the workers' order is not one worker's) */
async function recordsOf(run: CaptureRun, captures: [string, Uint8Array][], chunkBytes: number): Promise<string[]> {
  for (const [name, bytes] of captures) {
    run.begin(name, bytes.subarray(0, 4));
    for (let off = 0; off < bytes.length; off += chunkBytes) await run.push(bytes.subarray(off, off + chunkBytes));
    await run.end();
  }
  await run.close();
  return lines.splice(0).sort();
}
const lines: string[] = [];
const collect = (view: FlowView): void => {
  lines.push(JSON.stringify(flowRecord(view)));
};

test('ShardedCaptureRun: tiny ring slots (records across chunks) and flows sent after every chunk give the records of one engine', async () => {
  const records: PcapRecord[] = [];
  let ts = 1_700_000_000_000_000;
  for (let i = 0; i < 300; i++) {
    const frames = conversationFrames([{ dir: 0, payload: `GET /${i} HTTP/1.1\r\nHost: h${i % 7}.example\r\n\r\n` }, { dir: 1, payload: 'HTTP/1.1 200 OK\r\n\r\n' }], { transport: i % 3 === 0 ? 'udp' : 'tcp', serverPort: 80 + (i % 5), client: `10.0.${i % 4}.${1 + (i % 200)}`, server: '198.51.100.80', clientPort: 20000 + i });
    for (const data of frames) records.push({ ts: (ts += 7_000), data });
  }
  const captures: [string, Uint8Array][] = [
    ['many.pcap', writePcap(records, { linkType: 1 })],
    ['cross-flow.pcap', crossFlowCapture().pcap],
    ...['sample.pcap', 'fragments.pcap', 'two-interfaces.pcapng'].map((f): [string, Uint8Array] => [f, readFileSync(join(FIXTURES_DIR, f))]),
  ];
  const engine = { idleTimeoutS: 30, activeTimeoutS: 1, maxFlows: 100_000 };
  const one = await recordsOf(new LocalCaptureRun(engine, createDpiEngine(), collect), captures, 1000);
  assert.ok(one.length > 300);
  assert.ok(one.some((l) => l.includes('"end_reason":"active"')), 'some flows are cut by the active timeout');
  for (const [workers, slotBytes, chunkBytes] of [[2, 512, 1000], [3, 4096, 300]] as const) {
    const sharded = await recordsOf(new ShardedCaptureRun(workers, slotBytes, engine, createDpiEngine(), collect, 1), captures, chunkBytes);
    assert.deepEqual(sharded, one, `${workers} workers, ${slotBytes}-byte slots`);
  }
});
