// A capture large enough to damage in the middle: many records of ordinary traffic, and where each
// record starts, so tests can corrupt one the way a bad disk or a broken writer would.

import { writePcap, type PcapOptions, type PcapRecord } from './capture-writer.js';
import { ethernet, ipv4, tcp, TCP_ACK, TCP_PSH, udp } from './packet-builder.js';
import { seededRandom } from './prng.js';

export interface BusyCapture {
  file: Uint8Array;
  records: PcapRecord[];
  /** file offset of each record's header */
  offsets: number[];
}

const FLOWS = 20;
const PCAP_FILE_HEADER = 24;
export const PCAP_RECORD_HEADER = 16;
/** 2023-11-14T22:13:20Z */
const START_MICROS = 1_700_000_000_000_000;

/**
 * `count` Ethernet/IPv4 packets a millisecond apart, in FLOWS flows (UDP and TCP, each between its
 * own pair of hosts), with random payloads so that frames are 60 to 1514 bytes, like real traffic.
 */
export function busyCapture(count = 1540, options: Partial<PcapOptions> = {}): BusyCapture {
  const random = seededRandom(1540);
  const records: PcapRecord[] = [];
  for (let i = 0; i < count; i++) {
    const flow = i % FLOWS;
    const payload = new Uint8Array(6 + Math.floor(random() * 1400)).map(() => Math.floor(random() * 256));
    const src = `10.0.${flow}.1`;
    const dst = `10.1.${flow}.2`;
    const transport = flow % 2 === 0 ? udp(40000 + flow, 9000 + flow, payload) : tcp(40000 + flow, 9000 + flow, TCP_ACK | TCP_PSH, payload, 1000 + i * 1500);
    const frame = ethernet(0x0800, ipv4({ src, dst, proto: flow % 2 === 0 ? 17 : 6, id: i }, transport));
    records.push({ ts: START_MICROS + i * 1000, data: frame });
  }
  const file = writePcap(records, { linkType: 1, ...options });
  const offsets: number[] = [];
  let offset = PCAP_FILE_HEADER;
  for (const record of records) {
    offsets.push(offset);
    offset += PCAP_RECORD_HEADER + record.data.length;
  }
  return { file, records, offsets };
}

/** Overwrites the captured length of the record whose header is at `offset` (little-endian files). */
export function setCapturedLength(file: Uint8Array, offset: number, capturedLength: number): void {
  new DataView(file.buffer, file.byteOffset, file.byteLength).setUint32(offset + 8, capturedLength, true);
}
