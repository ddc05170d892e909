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
import { busyCapture, setCapturedLength, type BusyCapture } from '../test-support/busy-capture.js';
import { createCaptureParser, NotACaptureError, type CaptureParser } from './parser.js';
import { PcapParser, RESYNC_SCAN_LIMIT } from './pcap.js';
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
  errors: string[];
  skippedBytes: number;
  resynchronisations: number;
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
    errors: [...parser.errors],
    skippedBytes: parser.skippedBytes,
    resynchronisations: parser.resynchronisations,
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

test('pcap: an absurd captured length is an error; the records after it are still delivered', () => {
  const file = writePcap(pcapRecords, { linkType: 1 });
  const secondRecord = PCAP_HEADER + PCAP_RECORD_HEADER + 3;
  const fourthRecord = secondRecord + PCAP_RECORD_HEADER + 60 + PCAP_RECORD_HEADER;
  setU32(file, secondRecord + 8, 0x7fffffff);
  for (const chunks of [oneChunk, byteByByte, randomChunks(7)]) {
    const result = parse(file, chunks);
    // the third record (no bytes, timestamp 0) is no plausible place to start again; the fourth is
    assert.deepEqual(result.records.map((r) => r.capLen), [3, 1514]);
    assert.equal(result.stopped, false);
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.errors, [
      `corrupt record at byte ${secondRecord} (record 2): captured length 2147483647 exceeds the snap length 262144; ` +
        `skipped ${fourthRecord - secondRecord} bytes to the next plausible record at byte ${fourthRecord}`,
    ]);
    assert.deepEqual(result.anomalies, [Anomaly.capture_record_corrupt]);
    assert.equal(result.skippedBytes, fourthRecord - secondRecord);
    assert.equal(result.resynchronisations, 1);
  }
});

/** The records of `capture` but those at `lost`, as the parse helper reports them. */
function deliveredExcept(capture: BusyCapture, lost: number[]): Delivered[] {
  return capture.records
    .filter((_, i) => !lost.includes(i))
    .map((r) => ({ data: toHex(r.data), capLen: r.data.length, wireLen: r.data.length, ts: r.ts, linkType: LINKTYPE_ETHERNET }));
}

for (const claimed of [900_000, 300_000]) {
  test(`pcap: record 1001 of 1,540 claiming ${claimed} bytes is corrupt: one error, and the other 1,539 records (issue 12)`, () => {
    const capture = busyCapture();
    const file = capture.file.slice();
    const corruptAt = capture.offsets[1000]!;
    const resumeAt = capture.offsets[1001]!;
    setCapturedLength(file, corruptAt, claimed);
    const expected = deliveredExcept(capture, [1000]);
    const error =
      `corrupt record at byte ${corruptAt} (record 1001): captured length ${claimed} exceeds the snap length 262144; ` +
      `skipped ${resumeAt - corruptAt} bytes to the next plausible record at byte ${resumeAt}`;
    // tiny chunks make the scan and its look-ahead cross chunk boundaries at every step
    const chunkings = [['whole', oneChunk], ['7-byte chunks', () => 7], ['random chunks', randomChunks(3, 5000)]] as [string, ChunkSizes][];
    if (claimed === 900_000) chunkings.push(['1-byte chunks', byteByByte]);
    for (const [name, chunks] of chunkings) {
      const result = parse(file, chunks);
      assert.equal(result.records.length, 1539, name);
      assert.deepEqual(result.records, expected, name);
      assert.deepEqual(result.errors, [error], name);
      assert.deepEqual(result.warnings, [], name);
      assert.equal(result.stopped, false, name);
      assert.deepEqual(result.anomalies, [Anomaly.capture_record_corrupt], name);
      assert.equal(result.skippedBytes, resumeAt - corruptAt, name);
    }
  });
}

test('pcap: the limit is the snap length when it is 1 to 262144, else 262144', () => {
  const body = (length: number) => ({ ts: T0, data: bytesOf(length, 1) });
  // a record one byte over the limit, with a plausible one after it so that only the limit decides
  const overLimit = (snaplen: number, limit: number) => {
    const file = writePcap([body(60), body(limit + 1), body(60)], { linkType: 1, snaplen });
    // its length now runs into the next record: the next header is not where it says
    setU32(file, PCAP_HEADER + PCAP_RECORD_HEADER + 60 + 8, limit + 1 + 5);
    return parse(file);
  };
  for (const [snaplen, limit, name] of [
    [0, 262144, 'the maximum of 262144 (the file\'s snap length is 0)'],
    [65535, 65535, 'the snap length 65535'],
    [262144, 262144, 'the snap length 262144'],
    [0xffffffff, 262144, 'the maximum of 262144 (the file\'s snap length is 4294967295)'],
    [1_000_000, 262144, 'the maximum of 262144 (the file\'s snap length is 1000000)'],
  ] as const) {
    const atLimit = parse(writePcap([body(60), body(limit), body(60)], { linkType: 1, snaplen }));
    assert.equal(atLimit.records.length, 3, `snaplen ${snaplen}: a record of ${limit} bytes`);
    assert.deepEqual(atLimit.errors, [], `snaplen ${snaplen}`);
    const corrupt = overLimit(snaplen, limit);
    assert.deepEqual(corrupt.records.map((r) => r.capLen), [60, 60], `snaplen ${snaplen}: a record of ${limit + 6} bytes`);
    assert.equal(corrupt.errors.length, 1, `snaplen ${snaplen}`);
    assert.match(corrupt.errors[0]!, new RegExp(`^corrupt record at byte 100 \\(record 2\\): captured length ${limit + 6} exceeds ${name.replace(/[()]/g, '\\$&')}; `));
  }
});

test('pcap: a record over a wrong snap length is delivered when the records after it are plausible', () => {
  // some writers put a smaller snap length in the header than they capture with
  const records = [
    { ts: T0, data: bytesOf(60, 1) },
    { ts: T0 + 1000, data: bytesOf(100_000, 2) },
    { ts: T0 + 2000, data: bytesOf(60, 3) },
  ];
  const file = writePcap(records, { linkType: 1, snaplen: 65535 });
  for (const chunks of [oneChunk, byteByByte, randomChunks(9, 70_000)]) {
    const result = parse(file, chunks);
    assert.deepEqual(result.records.map((r) => r.capLen), [60, 100_000, 60]);
    assert.deepEqual(result.errors, []);
  }
  // last in the file, with nothing after it to vouch for it: the end of the file does
  assert.deepEqual(parse(writePcap(records.slice(0, 2), { linkType: 1, snaplen: 65535 })).records.map((r) => r.capLen), [60, 100_000]);
  // over the 262144 bytes no writer captures, it is corrupt whatever follows
  const huge = writePcap([records[0]!, { ts: T0 + 1000, data: bytesOf(262_145, 2) }, records[2]!], { linkType: 1, snaplen: 65535 });
  const result = parse(huge);
  assert.deepEqual(result.records.map((r) => r.capLen), [60, 60]);
  assert.match(result.errors[0]!, /captured length 262145 exceeds the snap length 65535; skipped 262161 bytes/);
  // D-Bus messages may be longer (libpcap's max_snaplen_for_dlt)
  const dbus = writePcap([records[0]!, { ts: T0 + 1000, data: bytesOf(1_000_000, 2) }, records[2]!], { linkType: 231, snaplen: 0 });
  assert.deepEqual(parse(dbus).records.map((r) => r.capLen), [60, 1_000_000, 60]);
});

test('pcap: a corrupt length is caught as soon as the record header arrives, without waiting for the body', () => {
  const file = writePcap([1, 2, 3, 4].map((seed) => ({ ts: T0, data: bytesOf(10, seed) })), { linkType: 1 });
  const second = PCAP_HEADER + PCAP_RECORD_HEADER + 10;
  setU32(file, second + 8, 0x10000000);
  const delivered: number[] = [];
  const parser = new PcapParser((buf, offset) => delivered.push(buf[offset]!));
  parser.push(file.subarray(0, second + PCAP_RECORD_HEADER));
  assert.equal(delivered.length, 1);
  // the records after it come out as soon as they are complete, before finish()
  parser.push(file.subarray(second + PCAP_RECORD_HEADER));
  assert.equal(delivered.length, 3);
  assert.equal(parser.errors.length, 1);
  assert.equal(parser.stopped, false);
  parser.finish();
  assert.deepEqual(parser.warnings, []);
});

test('pcap: nothing plausible after a corrupt record to the end of the file: the records before it are kept', () => {
  const good = writePcap([{ ts: T0, data: bytesOf(60, 1) }, { ts: T0 + 1, data: bytesOf(60, 2) }], { linkType: 1 });
  const second = PCAP_HEADER + PCAP_RECORD_HEADER + 60;
  setU32(good, second + 8, 0x7fffffff);
  const random = prng(12);
  const garbage = new Uint8Array(5000).map(() => Math.floor(random() * 256));
  const file = concatBytes([good, garbage, new Uint8Array(3000)]);
  for (const chunks of [oneChunk, byteByByte, () => 7]) {
    const result = parse(file, chunks);
    assert.equal(result.records.length, 1);
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.errors, [
      `corrupt record at byte ${second} (record 2): captured length 2147483647 exceeds the snap length 262144; ` +
        `no plausible record follows it: skipped the last ${file.length - second} bytes`,
    ]);
    assert.equal(result.stopped, false);
  }
});

test(`pcap: the scan gives up ${RESYNC_SCAN_LIMIT / 1024 / 1024} MiB past a corrupt record, and reads no further`, () => {
  const first = writePcap([{ ts: T0, data: bytesOf(60, 1) }, { ts: T0 + 1, data: bytesOf(60, 2) }], { linkType: 1 });
  setU32(first, PCAP_HEADER + PCAP_RECORD_HEADER + 60 + 8, 0x7fffffff);
  const later = writePcap([{ ts: T0 + 2, data: bytesOf(60, 3) }], { linkType: 1 }).subarray(PCAP_HEADER);
  const file = concatBytes([first, new Uint8Array(RESYNC_SCAN_LIMIT), later]);
  const started = performance.now();
  const result = parse(file, () => 4 << 20);
  // a few nanoseconds a byte: a scan that went through the carry buffer a byte per round took 15 s
  assert.ok(performance.now() - started < 8000, `${(performance.now() - started).toFixed(0)} ms`);
  assert.equal(result.records.length, 1);
  assert.equal(result.stopped, true);
  assert.deepEqual(result.errors, [
    `corrupt record at byte ${PCAP_HEADER + PCAP_RECORD_HEADER + 60} (record 2): captured length 2147483647 exceeds the snap length 262144; ` +
      `no plausible record in the next 64 MiB, so the rest of the file was not read`,
  ]);
});

test('pcap: a claimed length that runs past the end of the file is corrupt when whole records follow it', () => {
  const capture = busyCapture(40);
  const file = capture.file.slice();
  // within the limit, but longer than the rest of the file
  setCapturedLength(file, capture.offsets[30]!, 200_000);
  for (const chunks of [oneChunk, byteByByte, randomChunks(4, 3000)]) {
    const result = parse(file, chunks);
    assert.deepEqual(result.records, deliveredExcept(capture, [30]));
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.errors, [
      `corrupt record at byte ${capture.offsets[30]} (record 31): captured length 200000 runs past the end of the file; ` +
        `skipped ${capture.offsets[31]! - capture.offsets[30]!} bytes to the next plausible record at byte ${capture.offsets[31]}`,
    ]);
  }
  // cut short instead, it is only the truncated last record it was
  const cut = capture.file.subarray(0, capture.offsets[31]! - 10);
  const result = parse(cut);
  assert.equal(result.records.length, 30);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.warnings, [`truncated last record: ${capture.records[30]!.data.length - 10} of ${capture.records[30]!.data.length} bytes`]);
});

test('pcap: resynchronisation without an earlier record, across a jump in time, and twice in one file', () => {
  const capture = busyCapture(30);
  // the very first record: no earlier timestamp to compare with, so three headers must agree
  const firstCorrupt = capture.file.slice();
  setCapturedLength(firstCorrupt, capture.offsets[0]!, 0xffffff);
  const first = parse(firstCorrupt, randomChunks(2, 900));
  assert.deepEqual(first.records, deliveredExcept(capture, [0]));
  assert.match(first.errors[0]!, /^corrupt record at byte 24 \(record 1\): .*next plausible record at byte /);

  // merged captures jump in time; the records after the jump are found all the same
  const jumped = busyCapture(30);
  for (let i = 15; i < 30; i++) jumped.records[i]!.ts += 1000 * 86_400e6;
  const merged = writePcap(jumped.records, { linkType: 1 });
  setCapturedLength(merged, jumped.offsets[14]!, 0xffffff);
  assert.deepEqual(parse(merged, byteByByte).records, deliveredExcept(jumped, [14]));

  const twice = capture.file.slice();
  setCapturedLength(twice, capture.offsets[5]!, 0xffffff);
  setCapturedLength(twice, capture.offsets[20]!, 0xffffff);
  const cut = twice.subarray(0, twice.length - 5);
  const result = parse(cut, () => 7);
  assert.deepEqual(result.records, deliveredExcept(capture, [5, 20, 29]));
  assert.equal(result.errors.length, 2);
  assert.equal(result.resynchronisations, 2);
  assert.deepEqual(result.anomalies, [Anomaly.capture_record_corrupt, Anomaly.capture_record_corrupt]);
  // corruption is an error; the cut end is still only a warning
  assert.equal(result.warnings.length, 1);
  assert.match(result.warnings[0]!, /^truncated last record: /);
});

test('pcap: random corruption never throws, never reads past the buffer, and only ever delivers records of the file', () => {
  const capture = busyCapture(300);
  const originals = new Set(deliveredExcept(capture, []).map((r) => JSON.stringify(r)));
  const random = prng(0xc0ffee);
  const int = (n: number) => Math.floor(random() * n);
  for (let round = 0; round < 40; round++) {
    const file = capture.file.slice();
    const damaged = new Set<number>();
    for (let k = 1 + int(6); k > 0; k--) {
      const victim = int(capture.offsets.length);
      damaged.add(victim);
      // a length no record here can have: past the snap length, or past the end of the file
      setCapturedLength(file, capture.offsets[victim]!, 262_145 + int(0xfff00000));
    }
    // and a run of random bytes over some record's body
    const at = capture.offsets[int(capture.offsets.length)]! + PCAP_RECORD_HEADER;
    for (let i = 0; i < 40 && at + i < file.length; i++) file[at + i] = int(256);
    const result = parse(file, randomChunks(round, 1 + int(3000)));
    for (const record of result.records) {
      // only the payload bytes may differ (the random run); length and time are a real record's
      assert.ok(capture.records.some((r) => r.ts === record.ts && r.data.length === record.capLen), `round ${round}: a record that is not in the file`);
    }
    const intact = result.records.filter((r) => originals.has(JSON.stringify(r))).length;
    assert.ok(intact >= capture.records.length - 2 * damaged.size - 1, `round ${round}: ${intact} records kept of ${capture.records.length}, ${damaged.size} damaged`);
    assert.equal(result.errors.length, result.anomalies.length, `round ${round}`);
    assert.ok(result.errors.length >= 1 && result.errors.length <= damaged.size, `round ${round}`);
  }
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

test('pcapng: a corrupt block length or trailer is an error with bad_pcapng_block; the blocks after it are still read', () => {
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
      assert.deepEqual(result.records.map((r) => r.data), [toHex(bytesOf(20, 1)), toHex(bytesOf(20, 3))], what);
      assert.equal(result.stopped, false, what);
      assert.deepEqual(result.warnings, [], what);
      const resumeAt = good.length + victim.length;
      assert.deepEqual(
        result.errors,
        [`corrupt pcapng block at byte ${good.length} (after packet 1): ${reason}; skipped ${victim.length} bytes to the next plausible block at byte ${resumeAt}`],
        what,
      );
      assert.deepEqual(result.anomalies, [Anomaly.bad_pcapng_block], what);
      assert.equal(result.skippedBytes, victim.length, what);
    }
  }
});

test('pcapng: a section header with an unknown byte-order magic is corrupt; the next section is read', () => {
  const good = writePcapng([{ linkType: 1 }], [{ iface: 0, ts: T0, data: bytesOf(20, 1) }]);
  const badSection = sectionHeaderBlock();
  setU32(badSection, 8, 0xdeadbeef);
  const result = parse(concatBytes([good, badSection, good]));
  assert.equal(result.records.length, 2);
  assert.equal(result.stopped, false);
  const expected =
    `corrupt pcapng block at byte ${good.length} (after packet 1): unknown byte-order magic 0xdeadbeef; ` +
    `skipped ${badSection.length} bytes to the next plausible block at byte ${good.length + badSection.length}`;
  assert.deepEqual(result.errors, [expected]);
});

for (const claimed of [900_000, 300_000]) {
  test(`pcapng: packet block 1001 of 1,540 claiming ${claimed} bytes is corrupt: one error, and the other 1,539 packets`, () => {
    const capture = busyCapture();
    const file = writePcapng([{ linkType: LINKTYPE_ETHERNET }], capture.records.map((r) => ({ iface: 0, ts: r.ts, data: r.data })));
    const blockOffsets: number[] = [];
    for (let offset = 28 + 20; offset < file.length; offset += new DataView(file.buffer).getUint32(offset + 4, true)) blockOffsets.push(offset);
    const corruptAt = blockOffsets[1000]!;
    const resumeAt = blockOffsets[1001]!;
    setU32(file, corruptAt + 4, claimed);
    // 900,000 bytes are more than the file has left; 300,000 end where no trailer is
    const what = claimed === 900_000 ? `total length ${claimed} runs past the end of the file` : `total length ${claimed} but trailing copy `;
    for (const chunks of [oneChunk, () => 7, randomChunks(8, 9000)]) {
      const result = parse(file, chunks);
      assert.deepEqual(result.records, deliveredExcept(capture, [1000]));
      assert.deepEqual(result.warnings, []);
      assert.equal(result.errors.length, 1);
      assert.ok(result.errors[0]!.startsWith(`corrupt pcapng block at byte ${corruptAt} (after packet 1000): ${what}`), result.errors[0]);
      assert.ok(result.errors[0]!.endsWith(`; skipped ${resumeAt - corruptAt} bytes to the next plausible block at byte ${resumeAt}`), result.errors[0]);
    }
  });
}

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
  const overSnaplen = writePcap(
    [100, 150, 80, 90].map((length, i) => ({ ts: T0 + i * 1000, data: bytesOf(length, i) })),
    { linkType: 1, snaplen: 100 },
  );
  const corruptFirst = writePcap([40, 50, 60, 70].map((length, i) => ({ ts: T0 + i * 1000, data: bytesOf(length, i) })), { linkType: 1 });
  setU32(corruptFirst, PCAP_HEADER + 8, 0x00ffffff);
  const pastTheEnd = corruptFirst.slice();
  setU32(pastTheEnd, PCAP_HEADER + 8, 40);
  setU32(pastTheEnd, PCAP_HEADER + PCAP_RECORD_HEADER + 40 + 8, 5000);
  return [
    ['pcap LE µs', pcapLe],
    ['pcap BE ns', pcapBeNs],
    ['pcap truncated', pcapLe.subarray(0, pcapLe.length - 700)],
    ['pcap corrupt', corruptPcap],
    ['pcap record over the snap length', overSnaplen],
    ['pcap first record corrupt', corruptFirst],
    ['pcap length past the end', pastTheEnd],
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
