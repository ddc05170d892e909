import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Anomaly } from '../decode/anomaly.js';
import { hex } from '../wire/bytes.js';
import {
  concatBytes,
  enhancedPacketBlock,
  interfaceDescriptionBlock,
  pcapngBlock,
  PcapngBlockType,
  pcapngOption,
  sectionHeaderBlock,
  timestampTicks,
  writePcap,
  writePcapng,
  type PcapngInterface,
} from '../test-support/capture-writer.js';
import { createCaptureParser, NotACaptureError, type CaptureParser } from './parser.js';
import { PcapParser } from './pcap.js';
import { PcapngParser } from './pcapng.js';

// ---------------------------------------------------------------------------------------------
// helpers

interface Delivered {
  data: string;
  capLen: number;
  wireLen: number;
  ts: number;
  linkType: number;
}

interface ParseResult {
  records: Delivered[];
  warnings: string[];
  stopped: boolean;
  linkTypes: number[];
  anomalies: number[];
  format: string;
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Seeded PRNG (mulberry32) so failures reproduce. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type ChunkSizes = (remaining: number) => number;
const oneChunk: ChunkSizes = (remaining) => remaining;
const byteByByte: ChunkSizes = () => 1;
function randomChunks(seed: number, max = 64): ChunkSizes {
  const random = prng(seed);
  return () => 1 + Math.floor(random() * max);
}

/**
 * Feeds `file` through a scratch buffer that is scribbled over after every push, as a caller that
 * reuses its read buffer would, and records every sink call with a copy of the packet bytes.
 */
function parse(file: Uint8Array, chunkSizes: ChunkSizes = oneChunk): ParseResult {
  const records: Delivered[] = [];
  const anomalies: number[] = [];
  const parser = createCaptureParser(
    file.subarray(0, 4),
    (buf, offset, capLen, wireLen, ts, linkType) => {
      assert.ok(offset >= 0 && offset + capLen <= buf.length, 'record lies inside the buffer');
      records.push({ data: toHex(buf.subarray(offset, offset + capLen)), capLen, wireLen, ts, linkType });
    },
    { add: (id) => anomalies.push(id) },
  );
  let offset = 0;
  while (offset < file.length) {
    const size = Math.min(chunkSizes(file.length - offset), file.length - offset);
    const scratch = new Uint8Array(size);
    scratch.set(file.subarray(offset, offset + size));
    parser.push(scratch);
    scratch.fill(0xee);
    offset += size;
  }
  parser.finish();
  return summarize(parser, records, anomalies);
}

function summarize(parser: CaptureParser, records: Delivered[], anomalies: number[]): ParseResult {
  return {
    records,
    warnings: [...parser.warnings],
    stopped: parser.stopped,
    linkTypes: [...parser.linkTypes],
    anomalies,
    format: parser.format,
  };
}

function bytesOf(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed * 7) & 0xff;
  return out;
}

function u32Bytes(value: number, bigEndian = false): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, !bigEndian);
  return out;
}

function setU32(file: Uint8Array, offset: number, value: number, bigEndian = false): void {
  new DataView(file.buffer, file.byteOffset).setUint32(offset, value, !bigEndian);
}

function assertClose(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);
}

const T0 = 1_700_000_000_123_456; // 2023-11-14T22:13:20.123456Z
const PCAP_HEADER = 24;
const PCAP_RECORD_HEADER = 16;
const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_IEEE802_11 = 105;

// ---------------------------------------------------------------------------------------------
// the writer, checked against hand-assembled bytes

test('writePcap produces the libpcap layout byte for byte', () => {
  const file = writePcap([{ ts: T0, data: hex('01 02 03'), wireLen: 60 }], { linkType: LINKTYPE_ETHERNET });
  const expected = hex(`
    d4 c3 b2 a1  02 00 04 00   # magic (LE µs), version 2.4
    00 00 00 00  00 00 00 00   # thiszone, sigfigs
    00 00 04 00  01 00 00 00   # snaplen 262144, network 1
    00 f1 53 65  40 e2 01 00   # ts 1700000000 s, 123456 µs
    03 00 00 00  3c 00 00 00   # incl_len 3, orig_len 60
    01 02 03
  `);
  assert.deepEqual(file, expected);
});

test('writePcapng produces SHB, IDB with options and EPB byte for byte', () => {
  const file = writePcapng(
    [{ linkType: LINKTYPE_ETHERNET, tsresol: 9 }],
    [{ iface: 0, ts: T0, data: hex('01 02 03 04 05') }],
  );
  const expected = hex(`
    0a 0d 0d 0a  1c 00 00 00   # SHB, 28 bytes
    4d 3c 2b 1a  01 00 00 00   # byte-order magic, version 1.0
    ff ff ff ff  ff ff ff ff   # section length unknown
    1c 00 00 00
    01 00 00 00  20 00 00 00   # IDB, 32 bytes
    01 00 00 00  00 00 00 00   # link type 1, snaplen 0
    09 00 01 00  09 00 00 00   # if_tsresol = 9 (ns), padded
    00 00 00 00                # opt_endofopt
    20 00 00 00
    06 00 00 00  28 00 00 00   # EPB, 40 bytes
    00 00 00 00                # interface 0
    fe 9c 97 17  00 ca 85 3d   # ts high, ts low (1700000000123456000 ns)
    05 00 00 00  05 00 00 00   # captured 5, original 5
    01 02 03 04  05 00 00 00   # data, padded
    28 00 00 00
  `);
  assert.deepEqual(file, expected);
});

// ---------------------------------------------------------------------------------------------
// classic pcap

const pcapRecords = [
  { ts: T0, data: bytesOf(3, 1) },
  { ts: T0 + 1_000_001, data: bytesOf(60, 2), wireLen: 1514 },
  { ts: 0, data: new Uint8Array(0) },
  { ts: T0 + 2_000_000, data: bytesOf(1514, 3) },
];

for (const bigEndian of [false, true]) {
  for (const nanos of [false, true]) {
    test(`pcap ${nanos ? 'ns' : 'µs'} ${bigEndian ? 'big' : 'little'}-endian: every record with its fields`, () => {
      const file = writePcap(pcapRecords, { linkType: LINKTYPE_ETHERNET, nanos, bigEndian });
      const result = parse(file);
      assert.equal(result.format, 'pcap');
      assert.deepEqual(result.linkTypes, [LINKTYPE_ETHERNET]);
      assert.deepEqual(result.warnings, []);
      assert.equal(result.stopped, false);
      assert.deepEqual(
        result.records,
        pcapRecords.map((r) => ({
          data: toHex(r.data),
          capLen: r.data.length,
          wireLen: r.wireLen ?? r.data.length,
          ts: r.ts,
          linkType: LINKTYPE_ETHERNET,
        })),
      );
    });
  }
}

test('pcap ns: the sub-microsecond fraction is kept, not rounded', () => {
  const file = writePcap(
    [
      { ts: 1000.5, data: bytesOf(4, 1) },
      { ts: 7_000_000.001, data: bytesOf(4, 2) },
      { ts: 999_999.999, data: bytesOf(4, 3) },
    ],
    { linkType: LINKTYPE_ETHERNET, nanos: true, bigEndian: true },
  );
  const ts = parse(file).records.map((r) => r.ts);
  assert.equal(ts[0], 1000.5);
  assertClose(ts[1]!, 7_000_000.001, 1e-9, 'ns fraction');
  assert.notEqual(ts[1], 7_000_000);
  assertClose(ts[2]!, 999_999.999, 1e-9, 'ns fraction near a second');
});

test('pcap link type is the low 16 bits of the network field (upper bits are FCS flags)', () => {
  for (const [network, linkType] of [
    [0x40000000, 0],
    [0x10000001, 1],
    [0x0400_0069, LINKTYPE_IEEE802_11],
  ] as const) {
    const result = parse(writePcap([{ ts: T0, data: bytesOf(10, 1) }], { linkType: network }));
    assert.deepEqual(result.linkTypes, [linkType]);
    assert.equal(result.records[0]!.linkType, linkType);
  }
});

test('pcap: original length below captured length reports the captured length as wire length', () => {
  const result = parse(writePcap([{ ts: T0, data: bytesOf(100, 1), wireLen: 40 }], { linkType: 1 }));
  assert.equal(result.records[0]!.wireLen, 100);
  assert.equal(result.records[0]!.capLen, 100);
});

test('pcap: bogus timestamps and original lengths (fuzzed captures) are passed on, not fatal', () => {
  const file = writePcap(
    [
      { ts: T0, data: bytesOf(20, 1), wireLen: 4093509168 },
      { ts: T0, data: bytesOf(20, 2) },
      { ts: T0, data: bytesOf(20, 3) },
    ],
    { linkType: 1 },
  );
  const secondRecord = PCAP_HEADER + PCAP_RECORD_HEADER + 20;
  setU32(file, secondRecord, 0xffffffff); // seconds
  setU32(file, secondRecord + 4, 0xffffffff); // "microseconds", far beyond a second
  const result = parse(file);
  assert.equal(result.records.length, 3);
  assert.equal(result.records[0]!.wireLen, 4093509168);
  assert.equal(result.records[1]!.ts, 4294967295 * 1e6 + 4294967295);
  assert.equal(result.stopped, false);
  assert.deepEqual(result.warnings, []);
});

test('pcap: versions before 2.3 have the lengths swapped, 2.3 when captured > original (as libpcap)', () => {
  const records = [
    { ts: T0, data: bytesOf(10, 1) },
    { ts: T0, data: bytesOf(10, 2) },
  ];
  const second = PCAP_HEADER + PCAP_RECORD_HEADER + 10;
  for (const bigEndian of [false, true]) {
    const writtenLengths = (file: Uint8Array, recordOffset: number, first: number, secondField: number) => {
      setU32(file, recordOffset + 8, first, bigEndian);
      setU32(file, recordOffset + 12, secondField, bigEndian);
    };
    const oldVersion = writePcap(records, { linkType: 1, bigEndian });
    new DataView(oldVersion.buffer).setUint16(6, 0, !bigEndian); // version 2.0
    writtenLengths(oldVersion, PCAP_HEADER, 1514, 10);
    writtenLengths(oldVersion, second, 60, 10);
    assert.deepEqual(
      parse(oldVersion).records.map((r) => [r.capLen, r.wireLen, r.data]),
      [
        [10, 1514, toHex(bytesOf(10, 1))],
        [10, 60, toHex(bytesOf(10, 2))],
      ],
    );

    const mixed = writePcap(records, { linkType: 1, bigEndian });
    new DataView(mixed.buffer).setUint16(6, 3, !bigEndian); // version 2.3
    writtenLengths(mixed, PCAP_HEADER, 1514, 10); // written by a swapping writer
    writtenLengths(mixed, second, 10, 60); // written the modern way
    assert.deepEqual(
      parse(mixed).records.map((r) => [r.capLen, r.wireLen, r.data]),
      [
        [10, 1514, toHex(bytesOf(10, 1))],
        [10, 60, toHex(bytesOf(10, 2))],
      ],
    );

    const truncatedOld = oldVersion.subarray(0, second + PCAP_RECORD_HEADER + 4);
    assert.deepEqual(parse(truncatedOld).warnings, ['truncated last record: 4 of 10 bytes']);
  }
});

test('pcap: an absurd captured length stops parsing with a warning, keeping earlier records', () => {
  const file = writePcap(pcapRecords, { linkType: 1 });
  const secondRecord = PCAP_HEADER + PCAP_RECORD_HEADER + 3;
  setU32(file, secondRecord + 8, 0x7fffffff);
  for (const chunks of [oneChunk, byteByByte, randomChunks(7)]) {
    const result = parse(file, chunks);
    assert.equal(result.records.length, 1);
    assert.equal(result.stopped, true);
    assert.deepEqual(result.warnings, [`corrupt record at byte ${secondRecord}: captured length 2147483647`]);
  }
});

test('pcap: the corruption limit is max(snaplen, 262144) * 4, capped at 16 MiB', () => {
  const big = new Uint8Array(300_000);
  // Larger than the snaplen but within the slack: delivered.
  const ok = parse(writePcap([{ ts: T0, data: big }], { linkType: 1, snaplen: 65535 }));
  assert.equal(ok.records.length, 1);
  assert.equal(ok.stopped, false);

  const overLimit = writePcap([{ ts: T0, data: new Uint8Array(8) }], { linkType: 1, snaplen: 65535 });
  setU32(overLimit, PCAP_HEADER + 8, 262144 * 4 + 1);
  assert.equal(parse(overLimit).stopped, true);

  const hugeSnaplen = writePcap([{ ts: T0, data: new Uint8Array(8) }], { linkType: 1, snaplen: 0xffffffff });
  setU32(hugeSnaplen, PCAP_HEADER + 8, 16 * 1024 * 1024 + 1);
  assert.equal(parse(hugeSnaplen).stopped, true);
});

test('pcap: a corrupt length is caught as soon as the record header arrives, without waiting for the body', () => {
  const file = writePcap([{ ts: T0, data: bytesOf(10, 1) }, { ts: T0, data: bytesOf(10, 2) }], { linkType: 1 });
  const second = PCAP_HEADER + PCAP_RECORD_HEADER + 10;
  setU32(file, second + 8, 0x10000000);
  const parser = new PcapParser(() => {});
  parser.push(file.subarray(0, second + PCAP_RECORD_HEADER));
  assert.equal(parser.stopped, true);
  parser.push(new Uint8Array(100)); // ignored, no throw
  parser.finish();
  assert.equal(parser.warnings.length, 1);
});

test('pcap: a truncated last record becomes a warning; everything before it is delivered', () => {
  const file = writePcap(
    [
      { ts: T0, data: bytesOf(60, 1) },
      { ts: T0 + 1, data: bytesOf(1514, 2) },
    ],
    { linkType: 1 },
  );
  const cut = file.subarray(0, PCAP_HEADER + PCAP_RECORD_HEADER + 60 + PCAP_RECORD_HEADER + 37);
  for (const chunks of [oneChunk, byteByByte, randomChunks(3)]) {
    const result = parse(cut, chunks);
    assert.equal(result.records.length, 1);
    assert.equal(result.stopped, false);
    assert.deepEqual(result.warnings, ['truncated last record: 37 of 1514 bytes']);
  }
  const headerCut = file.subarray(0, PCAP_HEADER + PCAP_RECORD_HEADER + 60 + 7);
  assert.deepEqual(parse(headerCut).warnings, ['truncated last record header: 7 of 16 bytes']);
  assert.equal(parse(headerCut).records.length, 1);
  assert.deepEqual(parse(file.subarray(0, 10)).warnings, ['truncated file header: 10 of 24 bytes']);
  assert.deepEqual(parse(file.subarray(0, PCAP_HEADER)).warnings, []);
});

test('pcap: complete records are passed as views into the pushed chunk, not copies', () => {
  const file = writePcap(pcapRecords, { linkType: 1 });
  const buffers: Uint8Array[] = [];
  const parser = createCaptureParser(file, (buf) => buffers.push(buf));
  parser.push(file);
  parser.finish();
  assert.equal(buffers.length, pcapRecords.length);
  for (const buf of buffers) assert.equal(buf, file);
});

// ---------------------------------------------------------------------------------------------
// pcapng

for (const bigEndian of [false, true]) {
  test(`pcapng ${bigEndian ? 'big' : 'little'}-endian: packets with default µs resolution`, () => {
    const packets = [
      { iface: 0, ts: T0, data: bytesOf(61, 1), wireLen: 1514 },
      { iface: 0, ts: T0 + 999_999, data: bytesOf(64, 2) },
      { iface: 0, ts: T0 + 5, data: new Uint8Array(0) },
    ];
    const result = parse(writePcapng([{ linkType: LINKTYPE_ETHERNET }], packets, { bigEndian }));
    assert.equal(result.format, 'pcapng');
    assert.deepEqual(result.linkTypes, [LINKTYPE_ETHERNET]);
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(
      result.records,
      packets.map((p) => ({
        data: toHex(p.data),
        capLen: p.data.length,
        wireLen: p.wireLen ?? p.data.length,
        ts: p.ts,
        linkType: LINKTYPE_ETHERNET,
      })),
    );
  });
}

const mixedInterfaces: PcapngInterface[] = [
  { linkType: LINKTYPE_ETHERNET }, // default: µs
  { linkType: LINKTYPE_RAW, tsresol: 9 }, // ns
  { linkType: LINKTYPE_LINUX_SLL, tsresol: 0x80 | 20 }, // 2^-20 s
  { linkType: LINKTYPE_IEEE802_11, tsresol: 3, tsoffset: 1_600_000_000 }, // ms, shifted
];
const mixedPackets = [
  { iface: 0, ts: T0, data: bytesOf(42, 1) },
  { iface: 1, ts: T0 + 10.123, data: bytesOf(43, 2) },
  { iface: 2, ts: T0 + 20, data: bytesOf(44, 3) },
  { iface: 3, ts: 1_700_000_001_234_000, data: bytesOf(45, 4) },
  { iface: 1, ts: T0 + 30, data: bytesOf(46, 5) },
  { iface: 0, ts: T0 + 40, data: bytesOf(47, 6) },
];

for (const bigEndian of [false, true]) {
  const order = bigEndian ? 'BE' : 'LE';
  test(`pcapng ${order}: interfaces with different link types, tsresol (µs, ns, 2^-n, ms) and tsoffset`, () => {
    const result = parse(writePcapng(mixedInterfaces, mixedPackets, { bigEndian }));
    assert.deepEqual(result.linkTypes, [LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_LINUX_SLL, LINKTYPE_IEEE802_11]);
    assert.equal(result.records.length, mixedPackets.length);
    const tolerance = [0, 0.25, 0.5, 0]; // µs and ms are exact; ns rounds to a double; 2^-20 s ticks are ~0.95 µs
    mixedPackets.forEach((packet, i) => {
      const record = result.records[i]!;
      assert.equal(record.linkType, mixedInterfaces[packet.iface]!.linkType);
      assert.equal(record.data, toHex(packet.data));
      assertClose(record.ts, packet.ts, tolerance[packet.iface]!, `packet ${i} timestamp`);
    });
    assert.equal(result.records[3]!.ts, 1_700_000_001_234_000, 'ms with an offset is exact');
  });
}

test('pcapng: ns timestamps at the far end of the range keep sub-µs precision', () => {
  const ts = 4_000_000_000_000_000.5; // year 2096, half a microsecond
  const result = parse(writePcapng([{ linkType: 1, tsresol: 9 }], [{ iface: 0, ts, data: bytesOf(4, 1) }]));
  assertClose(result.records[0]!.ts, ts, 0.5, 'far-future ns');
  const small = parse(writePcapng([{ linkType: 1, tsresol: 9 }], [{ iface: 0, ts: 1234.567, data: bytesOf(4, 1) }]));
  assertClose(small.records[0]!.ts, 1234.567, 1e-9, 'ns fraction');
});

test('pcapng: if_tsoffset may be negative', () => {
  const iface = { linkType: 1, tsoffset: -100 };
  const result = parse(writePcapng([iface], [{ iface: 0, ts: 50_000_000, data: bytesOf(4, 1) }]));
  assert.equal(result.records[0]!.ts, 50_000_000);
});

test('pcapng: unknown IDB options before if_tsresol are skipped', () => {
  for (const bigEndian of [false, true]) {
    const fixed = concatBytes([
      bigEndian ? hex('00 01 00 00') : hex('01 00 00 00'), // link type 1, reserved
      u32Bytes(0, bigEndian), // snaplen
    ]);
    const options = concatBytes([
      pcapngOption(2, new TextEncoder().encode('eth0'), bigEndian), // if_name
      pcapngOption(3, new TextEncoder().encode('a longer description!'), bigEndian), // if_description, padded
      pcapngOption(9, Uint8Array.of(9), bigEndian),
      pcapngOption(0, new Uint8Array(0), bigEndian),
    ]);
    const idb = pcapngBlock(PcapngBlockType.InterfaceDescription, concatBytes([fixed, options]), bigEndian);
    const ticks = timestampTicks(T0, { linkType: 1, tsresol: 9 });
    const epb = enhancedPacketBlock(0, ticks, bytesOf(9, 1), 9, bigEndian);
    const file = concatBytes([sectionHeaderBlock(bigEndian), idb, epb]);
    const result = parse(file);
    assertClose(result.records[0]!.ts, T0, 0.25, 'ns after other options');
    assert.equal(result.records[0]!.data, toHex(bytesOf(9, 1)));
  }
});

test('pcapng: EPB options after the packet data do not affect the packet', () => {
  const options = concatBytes([
    pcapngOption(1, new TextEncoder().encode('a comment'), false),
    pcapngOption(2, u32Bytes(0x1), false), // epb_flags
    pcapngOption(0, new Uint8Array(0), false),
  ]);
  const file = concatBytes([
    writePcapng([{ linkType: 1 }], []),
    enhancedPacketBlock(0, BigInt(T0), bytesOf(33, 1), 70, false, options),
    enhancedPacketBlock(0, BigInt(T0 + 1), bytesOf(34, 2), 34, false),
  ]);
  const result = parse(file);
  assert.deepEqual(
    result.records.map((r) => [r.data, r.capLen, r.wireLen, r.ts]),
    [
      [toHex(bytesOf(33, 1)), 33, 70, T0],
      [toHex(bytesOf(34, 2)), 34, 34, T0 + 1],
    ],
  );
});

function simplePacketBlock(data: Uint8Array, originalLength: number, bigEndian = false): Uint8Array {
  return pcapngBlock(PcapngBlockType.SimplePacket, concatBytes([u32Bytes(originalLength, bigEndian), data]), bigEndian);
}

test('pcapng: Simple Packet Blocks use interface 0, the last timestamp, and drop the padding', () => {
  for (const bigEndian of [false, true]) {
    const file = concatBytes([
      writePcapng([{ linkType: LINKTYPE_RAW }], [{ iface: 0, ts: T0, data: bytesOf(20, 1) }], { bigEndian }),
      simplePacketBlock(bytesOf(61, 2), 61, bigEndian), // 3 bytes of padding follow
      simplePacketBlock(bytesOf(64, 3), 1514, bigEndian), // snapped at capture: only 64 bytes in the block
    ]);
    const result = parse(file);
    assert.deepEqual(
      result.records.map((r) => [r.data, r.capLen, r.wireLen, r.ts, r.linkType]),
      [
        [toHex(bytesOf(20, 1)), 20, 20, T0, LINKTYPE_RAW],
        [toHex(bytesOf(61, 2)), 61, 61, T0, LINKTYPE_RAW],
        [toHex(bytesOf(64, 3)), 64, 1514, T0, LINKTYPE_RAW],
      ],
    );
  }
});

test('pcapng: Simple Packet Blocks are cut to the interface snaplen', () => {
  const file = concatBytes([
    writePcapng([{ linkType: 1, snaplen: 32 }], []),
    simplePacketBlock(bytesOf(61, 2), 61),
  ]);
  const result = parse(file);
  assert.equal(result.records[0]!.capLen, 32);
  assert.equal(result.records[0]!.wireLen, 61);
  assert.equal(result.records[0]!.data, toHex(bytesOf(32, 2)));
  assert.equal(result.records[0]!.ts, 0, 'no packet yet, so no timestamp to reuse');
});

function obsoletePacketBlock(
  interfaceId: number,
  ticks: bigint,
  data: Uint8Array,
  wireLen: number,
  bigEndian = false,
): Uint8Array {
  const head = new Uint8Array(20);
  const view = new DataView(head.buffer);
  view.setUint16(0, interfaceId, !bigEndian);
  view.setUint16(2, 7, !bigEndian); // drops
  view.setUint32(4, Number(ticks >> 32n), !bigEndian);
  view.setUint32(8, Number(ticks & 0xffffffffn), !bigEndian);
  view.setUint32(12, data.length, !bigEndian);
  view.setUint32(16, wireLen, !bigEndian);
  return pcapngBlock(PcapngBlockType.ObsoletePacket, concatBytes([head, data]), bigEndian);
}

test('pcapng: Obsolete Packet Blocks (16-bit interface id and drop count)', () => {
  for (const bigEndian of [false, true]) {
    const interfaces = [{ linkType: 1 }, { linkType: LINKTYPE_RAW, tsresol: 9 }];
    const file = concatBytes([
      writePcapng(interfaces, [], { bigEndian }),
      obsoletePacketBlock(1, timestampTicks(T0, interfaces[1]!), bytesOf(50, 1), 60, bigEndian),
      obsoletePacketBlock(0, BigInt(T0 + 7), bytesOf(51, 2), 51, bigEndian),
    ]);
    const result = parse(file);
    assert.deepEqual(
      result.records.map((r) => [r.data, r.capLen, r.wireLen, r.linkType]),
      [
        [toHex(bytesOf(50, 1)), 50, 60, LINKTYPE_RAW],
        [toHex(bytesOf(51, 2)), 51, 51, 1],
      ],
    );
    assertClose(result.records[0]!.ts, T0, 0.25, 'OPB ns');
    assert.equal(result.records[1]!.ts, T0 + 7);
  }
});

test('pcapng: name resolution, statistics, secrets, custom and unknown blocks are skipped', () => {
  const skipped = [
    pcapngBlock(PcapngBlockType.NameResolution, hex('01 00 08 00 c0 a8 00 01 61 2e 62 00 00 00 00 00')),
    pcapngBlock(PcapngBlockType.InterfaceStatistics, new Uint8Array(20)),
    pcapngBlock(0x0000000a, bytesOf(37, 9)), // decryption secrets
    pcapngBlock(0x00000bad, bytesOf(12, 9)), // custom
    pcapngBlock(0x40000bad, new Uint8Array(0)), // custom, do-not-copy
    pcapngBlock(0x12345678, bytesOf(100, 9)), // unknown
  ];
  const file = concatBytes([
    sectionHeaderBlock(),
    skipped[0]!,
    interfaceDescriptionBlock({ linkType: 1 }),
    skipped[1]!,
    enhancedPacketBlock(0, BigInt(T0), bytesOf(10, 1), 10),
    ...skipped.slice(2),
    enhancedPacketBlock(0, BigInt(T0 + 1), bytesOf(11, 2), 11),
  ]);
  const result = parse(file);
  assert.deepEqual(result.warnings, []);
  assert.deepEqual(
    result.records.map((r) => r.data),
    [toHex(bytesOf(10, 1)), toHex(bytesOf(11, 2))],
  );
});

test('pcapng: a second section with the other byte order resets the interfaces', () => {
  const first = writePcapng([{ linkType: 1 }, { linkType: LINKTYPE_RAW }], [
    { iface: 0, ts: T0, data: bytesOf(20, 1) },
    { iface: 1, ts: T0 + 1, data: bytesOf(21, 2) },
  ]);
  const second = writePcapng(
    [{ linkType: LINKTYPE_LINUX_SLL, tsresol: 9 }],
    [
      { iface: 0, ts: T0 + 2, data: bytesOf(22, 3) },
      { iface: 1, ts: T0 + 3, data: bytesOf(23, 4) }, // interface 1 belonged to the first section
      { iface: 0, ts: T0 + 4, data: bytesOf(24, 5) },
    ],
    { bigEndian: true },
  );
  const third = writePcapng([{ linkType: LINKTYPE_IEEE802_11 }], [{ iface: 0, ts: T0 + 5, data: bytesOf(25, 6) }]);
  const result = parse(concatBytes([first, second, third]));
  assert.deepEqual(result.linkTypes, [1, LINKTYPE_RAW, LINKTYPE_LINUX_SLL, LINKTYPE_IEEE802_11]);
  assert.deepEqual(
    result.records.map((r) => [r.data, r.linkType]),
    [
      [toHex(bytesOf(20, 1)), 1],
      [toHex(bytesOf(21, 2)), LINKTYPE_RAW],
      [toHex(bytesOf(22, 3)), LINKTYPE_LINUX_SLL],
      [toHex(bytesOf(24, 5)), LINKTYPE_LINUX_SLL],
      [toHex(bytesOf(25, 6)), LINKTYPE_IEEE802_11],
    ],
  );
  assertClose(result.records[3]!.ts, T0 + 4, 0.25, 'BE ns section');
  assert.deepEqual(result.anomalies, [Anomaly.unknown_interface]);
  assert.deepEqual(result.warnings, []);
});

test('pcapng: a packet on an undefined interface is counted and skipped', () => {
  const file = writePcapng(
    [{ linkType: 1 }],
    [
      { iface: 0, ts: T0, data: bytesOf(20, 1) },
      { iface: 5, ts: T0, data: bytesOf(20, 2) },
      { iface: 0, ts: T0, data: bytesOf(20, 3) },
    ],
  );
  const result = parse(file);
  assert.equal(result.records.length, 2);
  assert.deepEqual(result.anomalies, [Anomaly.unknown_interface]);
  assert.equal(result.stopped, false);

  const simpleWithoutInterface = concatBytes([sectionHeaderBlock(), simplePacketBlock(bytesOf(8, 1), 8)]);
  const simple = parse(simpleWithoutInterface);
  assert.equal(simple.records.length, 0);
  assert.deepEqual(simple.anomalies, [Anomaly.unknown_interface]);
});

test('pcapng: a corrupt block length or trailer stops parsing with a warning and bad_pcapng_block', () => {
  const good = writePcapng([{ linkType: 1 }], [{ iface: 0, ts: T0, data: bytesOf(20, 1) }]);
  const victim = enhancedPacketBlock(0, BigInt(T0), bytesOf(20, 2), 20);
  const after = enhancedPacketBlock(0, BigInt(T0), bytesOf(20, 3), 20);
  const cases: [string, (block: Uint8Array) => void, string][] = [
    ['length not a multiple of 4', (b) => setU32(b, 4, 50), 'total length 50'],
    ['length below 12', (b) => setU32(b, 4, 8), 'total length 8'],
    ['absurd length', (b) => setU32(b, 4, 0xfffffff0), 'total length 4294967280'],
    ['trailing copy differs', (b) => setU32(b, b.length - 4, 56), `total length ${victim.length} but trailing copy 56`],
    [
      'captured length beyond the block',
      (b) => setU32(b, 20, 21),
      `captured length 21 in a ${victim.length}-byte block`,
    ],
  ];
  for (const [what, damage, reason] of cases) {
    const block = victim.slice();
    damage(block);
    const file = concatBytes([good, block, after]);
    for (const chunks of [oneChunk, byteByByte, randomChunks(11)]) {
      const result = parse(file, chunks);
      assert.equal(result.records.length, 1, what);
      assert.equal(result.stopped, true, what);
      assert.deepEqual(result.warnings, [`corrupt pcapng block at byte ${good.length}: ${reason}`], what);
      assert.deepEqual(result.anomalies, [Anomaly.bad_pcapng_block], what);
    }
  }
});

test('pcapng: a section header with an unknown byte-order magic is corrupt', () => {
  const good = writePcapng([{ linkType: 1 }], [{ iface: 0, ts: T0, data: bytesOf(20, 1) }]);
  const badSection = sectionHeaderBlock();
  setU32(badSection, 8, 0xdeadbeef);
  const result = parse(concatBytes([good, badSection, good]));
  assert.equal(result.records.length, 1);
  assert.equal(result.stopped, true);
  const expected = `corrupt pcapng block at byte ${good.length}: unknown byte-order magic 0xdeadbeef`;
  assert.deepEqual(result.warnings, [expected]);
});

test('pcapng: a truncated last block becomes a warning; everything before it is delivered', () => {
  const file = writePcapng(
    [{ linkType: 1 }],
    [
      { iface: 0, ts: T0, data: bytesOf(60, 1) },
      { iface: 0, ts: T0 + 1, data: bytesOf(1514, 2) },
    ],
  );
  const lastBlockLength = 32 + 1516;
  const cut = file.subarray(0, file.length - 100);
  for (const chunks of [oneChunk, byteByByte, randomChunks(5)]) {
    const result = parse(cut, chunks);
    assert.equal(result.records.length, 1);
    assert.equal(result.stopped, false);
    assert.deepEqual(result.warnings, [`truncated last block: ${lastBlockLength - 100} of ${lastBlockLength} bytes`]);
  }
  const headerCut = file.subarray(0, file.length - lastBlockLength + 5);
  assert.deepEqual(parse(headerCut).warnings, ['truncated last block header: 5 of 12 bytes']);
});

test('pcapng: complete blocks are passed as views into the pushed chunk, not copies', () => {
  const file = writePcapng(mixedInterfaces, mixedPackets);
  const buffers: Uint8Array[] = [];
  const parser = createCaptureParser(file, (buf) => buffers.push(buf));
  parser.push(file);
  parser.finish();
  assert.equal(buffers.length, mixedPackets.length);
  for (const buf of buffers) assert.equal(buf, file);
});

// ---------------------------------------------------------------------------------------------
// chunking: the same sink calls however the file is cut up

function chunkingSamples(): [string, Uint8Array][] {
  const pcapLe = writePcap(pcapRecords, { linkType: 1 });
  const pcapBeNs = writePcap(pcapRecords, { linkType: LINKTYPE_RAW, nanos: true, bigEndian: true });
  const corruptPcap = pcapLe.slice();
  setU32(corruptPcap, PCAP_HEADER + PCAP_RECORD_HEADER + 3 + 8, 0x7fffffff);
  const pcapngParts = [
    writePcapng(mixedInterfaces, mixedPackets),
    simplePacketBlock(bytesOf(61, 7), 61),
    pcapngBlock(PcapngBlockType.NameResolution, bytesOf(30, 1)),
    obsoletePacketBlock(1, 123456789n, bytesOf(17, 8), 17),
    writePcapng(mixedInterfaces.slice(1), mixedPackets.map((p) => ({ ...p, iface: p.iface % 3 })), { bigEndian: true }),
    simplePacketBlock(bytesOf(3, 9), 3, true),
  ];
  const pcapngEverything = concatBytes(pcapngParts);
  const corruptPcapng = pcapngEverything.slice();
  const obsoleteBlockOffset = pcapngParts[0]!.length + pcapngParts[1]!.length + pcapngParts[2]!.length;
  setU32(corruptPcapng, obsoleteBlockOffset + 4, 6);
  return [
    ['pcap LE µs', pcapLe],
    ['pcap BE ns', pcapBeNs],
    ['pcap truncated', pcapLe.subarray(0, pcapLe.length - 700)],
    ['pcap corrupt', corruptPcap],
    ['pcapng two sections', pcapngEverything],
    ['pcapng truncated', pcapngEverything.subarray(0, pcapngEverything.length - 9)],
    ['pcapng corrupt', corruptPcapng],
  ];
}

test('every chunking (whole, 1 byte, random sizes, every two-way split) gives identical sink calls', () => {
  for (const [name, file] of chunkingSamples()) {
    const reference = parse(file, oneChunk);
    assert.ok(reference.records.length > 0, name);
    assert.deepEqual(parse(file, byteByByte), reference, `${name}: 1 byte at a time`);
    for (let seed = 1; seed <= 25; seed++) {
      assert.deepEqual(parse(file, randomChunks(seed, seed * 40)), reference, `${name}: random chunks, seed ${seed}`);
    }
    for (let split = 1; split < file.length; split++) {
      let first = true;
      const twoWay: ChunkSizes = () => {
        if (!first) return file.length;
        first = false;
        return split;
      };
      assert.deepEqual(parse(file, twoWay), reference, `${name}: split at ${split}`);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// format detection

test('createCaptureParser picks the parser from the magic', () => {
  const cases: [Uint8Array, string][] = [
    [hex('d4 c3 b2 a1'), 'pcap'],
    [hex('a1 b2 c3 d4'), 'pcap'],
    [hex('4d 3c b2 a1'), 'pcap'],
    [hex('a1 b2 3c 4d'), 'pcap'],
    [hex('0a 0d 0d 0a'), 'pcapng'],
  ];
  for (const [magic, format] of cases) {
    const parser = createCaptureParser(magic, () => {});
    assert.equal(parser.format, format);
    assert.ok(format === 'pcap' ? parser instanceof PcapParser : parser instanceof PcapngParser);
  }
});

test('non-capture input throws NotACaptureError with a hex and ASCII preview', () => {
  const html = new TextEncoder().encode('<html><body>');
  assert.throws(
    () => createCaptureParser(html.subarray(0, 4), () => {}),
    (error: unknown) =>
      error instanceof NotACaptureError &&
      error.name === 'NotACaptureError' &&
      error.message === 'not a pcap or pcapng capture (first bytes: 3c 68 74 6d "<htm")',
  );
  assert.throws(() => createCaptureParser(html, () => {}), {
    message: 'not a pcap or pcapng capture (first bytes: 3c 68 74 6d 6c 3e 3c 62 "<html><b")',
  });
  assert.throws(() => createCaptureParser(hex('1f 8b 08 00 00'), () => {}), {
    message: 'not a pcap or pcapng capture (first bytes: 1f 8b 08 00 00 ".....")',
  });
  assert.throws(() => createCaptureParser(hex('d4 c3'), () => {}), {
    name: 'NotACaptureError',
    message: 'not a pcap or pcapng capture (only 2 bytes: d4 c3 "..")',
  });
  assert.throws(() => createCaptureParser(new Uint8Array(0), () => {}), NotACaptureError);
});

// ---------------------------------------------------------------------------------------------
// robustness: random and mutated input never throws and always terminates

test('random and mutated bytes never make push/finish throw, and parse fast', () => {
  const random = prng(0x5eed);
  const int = (n: number) => Math.floor(random() * n);
  const seeds = chunkingSamples().map(([, file]) => file);
  const magics = [hex('d4 c3 b2 a1'), hex('a1 b2 c3 d4'), hex('4d 3c b2 a1'), hex('a1 b2 3c 4d'), hex('0a 0d 0d 0a')];
  const started = performance.now();
  let delivered = 0;
  const CASES = 2000;
  for (let i = 0; i < CASES; i++) {
    let input: Uint8Array;
    if (i % 4 === 0) {
      // Pure noise behind a valid magic.
      input = new Uint8Array(int(600));
      for (let j = 0; j < input.length; j++) input[j] = int(256);
      input.set(magics[int(magics.length)]!.subarray(0, Math.min(4, input.length)));
    } else {
      // A valid file with bytes flipped, words overwritten with extreme values, cut short or spliced.
      input = seeds[int(seeds.length)]!.slice();
      const mutations = 1 + int(8);
      for (let m = 0; m < mutations; m++) {
        const at = int(input.length);
        switch (int(5)) {
          case 0:
            input[at] = int(256);
            break;
          case 1:
            if (at + 4 <= input.length) setU32(input, at, [0, 0xffffffff, 0x7fffffff, 12, 0x0a0d0d0a][int(5)]!);
            break;
          case 2:
            input = input.subarray(0, at);
            break;
          case 3: {
            const from = int(input.length);
            input = concatBytes([input.subarray(0, at), input.subarray(from, from + int(200)), input.subarray(at)]);
            break;
          }
          default:
            if (at + 4 <= input.length) setU32(input, at, int(0x100000000), random() < 0.5);
        }
      }
    }
    let parser: CaptureParser;
    try {
      parser = createCaptureParser(input, (buf, offset, capLen, wireLen, ts) => {
        assert.ok(offset >= 0 && capLen >= 0 && offset + capLen <= buf.length);
        assert.ok(wireLen >= capLen && Number.isFinite(ts));
        delivered++;
      });
    } catch (error) {
      assert.ok(error instanceof NotACaptureError, `case ${i}: only NotACaptureError may be thrown`);
      continue;
    }
    let offset = 0;
    while (offset < input.length) {
      const size = 1 + int(i % 2 === 0 ? 16 : 4096);
      parser.push(input.subarray(offset, offset + size));
      offset += size;
    }
    parser.finish();
    for (const warning of parser.warnings) assert.ok(!warning.includes('\n'), 'warnings are one line');
  }
  const elapsed = performance.now() - started;
  assert.ok(delivered > 0);
  assert.ok(elapsed < 10_000, `${CASES} cases took ${elapsed.toFixed(0)} ms`);
});
