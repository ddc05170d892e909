import { createCaptureParser } from '../capture/parser.js';
import { createDpiEngine } from '../dpi/index.js';
import { Engine } from '../engine/engine.js';
import { writePcap, type PcapRecord } from '../test-support/capture-writer.js';
import { ethernet, ipv4, tcp, udp } from '../test-support/packet-builder.js';

// `npm run bench:flows [-- N]`: memory per live flow. N flows (default 1,000,000) stay open in the
// engine, with identification on: a quarter each of DNS queries, TCP handshakes that carry a
// first payload DPI cannot name yet, UDP datagrams of an unknown protocol, and bare SYNs. Run
// with --expose-gc (the npm script does) so the numbers are of live memory, not garbage.

const PACKETS_PER_CHUNK = 50_000;

const dnsQuery = Uint8Array.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 7, ...Buffer.from('example'), 3, ...Buffer.from('com'), 0, 0, 1, 0, 1]);
const unknownPayload = Uint8Array.from({ length: 40 }, (_, i) => (i * 37 + 11) & 0xff);

/** the frames of flow i: 1 or 2 packets, depending on its kind */
function flowFrames(i: number): Uint8Array[] {
  const src = `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`;
  const sport = 1024 + (i % 60000);
  switch (i & 3) {
    case 0:
      return [ethernet(0x0800, ipv4({ src, dst: '192.0.2.53', proto: 17 }, udp(sport, 53, dnsQuery)))];
    case 1:
      return [
        ethernet(0x0800, ipv4({ src, dst: '192.0.2.80', proto: 6 }, tcp(sport, 8080, 0x02))),
        ethernet(0x0800, ipv4({ src, dst: '192.0.2.80', proto: 6 }, tcp(sport, 8080, 0x18, unknownPayload, 1001))),
      ];
    case 2:
      return [ethernet(0x0800, ipv4({ src, dst: '192.0.2.99', proto: 17 }, udp(sport, 40000, unknownPayload)))];
    default:
      return [ethernet(0x0800, ipv4({ src, dst: '192.0.2.22', proto: 6 }, tcp(sport, 22, 0x02)))];
  }
}

/** live JS objects and typed arrays (external memory includes the ArrayBuffers) */
function liveBytes(): { heap: number; buffers: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.external };
}

function main(): void {
  const flows = Number(process.argv[2] ?? 1_000_000);
  if (!Number.isInteger(flows) || flows < 1) throw new Error('usage: flow-memory [N flows]');
  if (!(globalThis as { gc?: unknown }).gc) process.stderr.write('flow-memory: run with node --expose-gc for exact numbers\n');
  const engine = new Engine({ idleTimeoutS: 0, activeTimeoutS: 0, maxFlows: 2 * flows, dpi: createDpiEngine() }, () => undefined);
  const parser = createCaptureParser(writePcap([], { linkType: 1 }), engine.onPacket, engine.anomalies);
  parser.push(writePcap([], { linkType: 1 }));
  const before = liveBytes();
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  let ts = 1_700_000_000_000_000;
  for (let first = 0; first < flows; first += PACKETS_PER_CHUNK) {
    const records: PcapRecord[] = [];
    for (let i = first; i < Math.min(flows, first + PACKETS_PER_CHUNK); i++) for (const data of flowFrames(i)) records.push({ ts: (ts += 10), data });
    // the chunk without its file header: the parser already read one
    parser.push(writePcap(records, { linkType: 1 }).subarray(24));
  }
  const seconds = (performance.now() - started) / 1000;
  const live = engine.stats.flowsEnded === 0 ? flows : NaN;
  const after = liveBytes();
  const rssAfter = process.memoryUsage().rss;
  const heap = after.heap - before.heap;
  const buffers = after.buffers - before.buffers;
  const lines = [
    `${flows.toLocaleString('en-US')} live flows (${engine.stats.records.toLocaleString('en-US')} packets in ${seconds.toFixed(1)} s), identification on`,
    `live memory: ${((heap + buffers) / 2 ** 20).toFixed(0)} MB, ${((heap + buffers) / flows).toFixed(0)} bytes per live flow (JS objects ${(heap / flows).toFixed(0)}, typed arrays ${(buffers / flows).toFixed(0)})`,
    `RSS growth: ${((rssAfter - rssBefore) / 2 ** 20).toFixed(0)} MB, ${((rssAfter - rssBefore) / flows).toFixed(0)} bytes per live flow`,
  ];
  if (Number.isNaN(live)) lines.push(`warning: ${engine.stats.flowsEnded} flows ended early: the numbers undercount`);
  process.stdout.write(lines.join('\n') + '\n');
}

main();
