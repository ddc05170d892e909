import { closeSync, openSync, readSync } from 'node:fs';
import { createCaptureParser, type PacketSink } from '../capture/parser.js';
import { FlowAddressHasher } from '../decode/address-hash.js';
import { AnomalyCounters } from '../decode/anomaly.js';
import { PacketDecoder } from '../decode/decoder.js';
import { FloodScanDetector } from '../detect/detector.js';
import { DEFAULT_THRESHOLDS } from '../detect/thresholds.js';
import { createDpiEngine } from '../dpi/index.js';
import { LocalCaptureRun } from '../engine/capture-run.js';
import { shardOf } from '../engine/shard.js';

// `npm run bench:workers [-- CAPTURE] [--runs N]`: what each stage of `--workers N` costs per
// packet on one thread, and the speed that N workers could reach where N + 1 cores are free.
// The main thread copies each chunk into the ring, walks its records and hashes each packet's
// flow addresses; every worker walks every record (to keep the capture's clock), and decodes and
// inspects only its own packets; the first worker also decodes the others' packets for flood and
// scan detection. A run takes as long as the busiest thread:
//   main      = copy + walk + hash                       (every packet)
//   worker i  = walk + (engine) / N                      (engine: decode, flows, DPI)
//   worker 0  = worker i + (decode + detect) × (N-1)/N   (with detection on)
// The merge of flows and their naming on the main thread, V8's compiler and collector (one per
// worker) are not in the model: the closing lines say how the whole run compares.

const CHUNK = 4 << 20;

interface Args {
  capture: string;
  runs: number;
}

function parseArgs(argv: string[]): Args {
  let capture = 'bench-out/big.pcap';
  let runs = 3;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--runs') runs = Number(argv[++i]);
    else if (a.startsWith('-')) {
      process.stderr.write(`bench:workers: unknown option '${a}' (use [CAPTURE] [--runs N])\n`);
      process.exit(2);
    } else capture = a;
  }
  if (!Number.isInteger(runs) || runs < 1) {
    process.stderr.write('bench:workers: --runs needs a whole number of at least 1\n');
    process.exit(2);
  }
  return { capture, runs };
}

/** the capture in 4 MB chunks, read once: the stages then time no disk */
function readChunks(path: string): Uint8Array[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    process.stderr.write(`bench:workers: no capture at '${path}' (run npm run bench once to build bench-out/big.pcap, or give a path)\n`);
    process.exit(1);
  }
  const chunks: Uint8Array[] = [];
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return chunks;
}

/** seconds that one pass of `sink` over every record takes (the walk included) */
function walk(chunks: Uint8Array[], sink: PacketSink): number {
  const t0 = process.hrtime.bigint();
  const parser = createCaptureParser(chunks[0]!, sink);
  for (const c of chunks) parser.push(c);
  parser.finish();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const { capture, runs } = parseArgs(process.argv.slice(2));
const chunks = readChunks(capture);
let packets = 0;
walk(chunks, () => {
  packets++;
});

const ring = new Uint8Array(CHUNK);
/** each packet's flow-address hash (-1: not IP, the first worker's) */
const hashes = new Float64Array(packets);
const stages: [string, () => number][] = [
  ['copy into the ring', () => {
    const t0 = process.hrtime.bigint();
    for (const c of chunks) ring.set(c);
    return Number(process.hrtime.bigint() - t0) / 1e9;
  }],
  ['walk the records', () => walk(chunks, () => undefined)],
  ['walk + hash flow addresses', () => {
    const hasher = new FlowAddressHasher();
    let i = 0;
    return walk(chunks, (buf, offset, capLen, wireLen, _ts, linkType) => {
      hashes[i++] = hasher.hash(buf, offset, capLen, wireLen, linkType);
    });
  }],
  ['walk + decode', () => {
    const decoder = new PacketDecoder(new AnomalyCounters());
    return walk(chunks, (buf, offset, capLen, wireLen, ts, linkType) => {
      decoder.decode(buf, offset, capLen, wireLen, ts, linkType);
    });
  }],
  ['walk + decode + detect', () => {
    const decoder = new PacketDecoder(new AnomalyCounters());
    const detector = new FloodScanDetector(DEFAULT_THRESHOLDS, () => undefined);
    return walk(chunks, (buf, offset, capLen, wireLen, ts, linkType) => {
      const p = decoder.decode(buf, offset, capLen, wireLen, ts, linkType);
      if (p.ipVersion !== 0) detector.observe(p);
    });
  }],
  ['walk + engine (decode, flows, DPI)', () => {
    const run = new LocalCaptureRun({ idleTimeoutS: 120, activeTimeoutS: 1800, maxFlows: 262_144 }, createDpiEngine(), () => undefined);
    const t0 = process.hrtime.bigint();
    run.begin(capture, chunks[0]!);
    for (const c of chunks) run.push(c);
    run.end();
    return Number(process.hrtime.bigint() - t0) / 1e9;
  }],
];

const seconds = new Map<string, number[]>();
for (let r = 0; r < runs; r++) {
  for (const [name, stage] of stages) {
    const list = seconds.get(name) ?? [];
    list.push(stage());
    seconds.set(name, list);
  }
}
const ns = (name: string): number => (median(seconds.get(name)!) / packets) * 1e9;

process.stdout.write(`${capture}: ${packets.toLocaleString('en-US')} packets; per packet, one thread, median of ${runs}\n\n| stage | ns/packet |\n|---|---:|\n`);
for (const [name] of stages) process.stdout.write(`| ${name} | ${ns(name).toFixed(0)} |\n`);

/** the largest share of the packets that one of `n` workers decodes, on this capture */
function largestShare(n: number): number {
  const counts = new Float64Array(n);
  for (const h of hashes) counts[h < 0 ? 0 : shardOf(h, n)]!++;
  return Math.max(...counts) / packets;
}
const copy = ns('copy into the ring');
const walkNs = ns('walk the records');
const hash = ns('walk + hash flow addresses') - walkNs;
const decode = ns('walk + decode') - walkNs;
const detect = ns('walk + decode + detect') - walkNs;
const engine = ns('walk + engine (decode, flows, DPI)') - walkNs;
const main = copy + walkNs + hash;
const plain = walkNs + engine + detect - decode;
process.stdout.write(`\nModel: ns/packet of each thread, with the largest worker share this capture's addresses give (the plain path: walk + engine + detect - decode = ${plain.toFixed(0)} ns, ${Math.round(1e9 / plain).toLocaleString('en-US')} packets/s)\n\n| workers | largest share | main thread | worker 0 (detection on) | busiest other worker | packets/s, detection on | packets/s, --no-detect |\n|---:|---:|---:|---:|---:|---:|---:|\n`);
for (const n of [1, 2, 4, 8, 16]) {
  const share = largestShare(n);
  // the first worker's own share is taken as the largest: the bound, not the average
  const worker = walkNs + engine * share;
  const first = worker + (detect - decode) * share + detect * (1 - share);
  const busiest = Math.max(main, first);
  const busiestNoDetect = Math.max(main, worker);
  process.stdout.write(`| ${n} | ${(100 * share).toFixed(1)}% | ${main.toFixed(0)} | ${first.toFixed(0)} | ${worker.toFixed(0)} | ${Math.round(1e9 / busiest).toLocaleString('en-US')} | ${Math.round(1e9 / busiestNoDetect).toLocaleString('en-US')} |\n`);
}
