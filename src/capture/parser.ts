// The one interface the engine reads captures through, and the choice of parser from a file's
// first bytes. The parsers are pure: the caller does the I/O and pushes chunks in file order.

import { PcapParser } from './pcap.js';
import { PcapngParser } from './pcapng.js';

/** Called once per capture record; `buf` is a view the sink must not keep after returning (copy if needed). */
export type PacketSink = (
  buf: Uint8Array,
  offset: number,
  capLen: number,
  wireLen: number,
  tsMicros: number,
  linkType: number,
) => void;

/** Where parsers count anomalies (ids from decode/anomaly.ts); AnomalyCounters fits. */
export interface AnomalyCounter {
  add(id: number): void;
}

export interface CaptureParser {
  readonly format: 'pcap' | 'pcapng';
  /**
   * Feeds the next chunk of the file (any size, any boundary). Calls the sink for every complete
   * record, synchronously. The caller may reuse `chunk`'s memory after push returns, so any
   * incomplete tail must be copied.
   */
  push(chunk: Uint8Array): void;
  /** End of input. A truncated last record/block becomes a warning (everything before it was already delivered). */
  finish(): void;
  /** Human-readable warnings (e.g. "truncated last record: 37 of 1514 bytes"), one line each: the capture was cut short. */
  readonly warnings: string[];
  /**
   * One line per corruption: where it is, what is wrong, and what was skipped. Records resume at
   * the next plausible record after it, so a corrupt file's other records are all delivered.
   */
  readonly errors: string[];
  /** bytes skipped over corrupt records or blocks, and how many times records resumed after one */
  readonly skippedBytes: number;
  readonly resynchronisations: number;
  /** set when nothing plausible followed a corruption within the scan limit: no more records are delivered (still no throw from push) */
  readonly stopped: boolean;
  /** link types seen (pcap: one; pcapng: one per interface) */
  readonly linkTypes: number[];
}

export class NotACaptureError extends Error {
  override readonly name = 'NotACaptureError';
}

/** File magics as read big-endian from the first four bytes. */
const PCAP_MICROS_BIG_ENDIAN = 0xa1b2c3d4;
const PCAP_MICROS_LITTLE_ENDIAN = 0xd4c3b2a1;
const PCAP_NANOS_BIG_ENDIAN = 0xa1b23c4d;
const PCAP_NANOS_LITTLE_ENDIAN = 0x4d3cb2a1;
/** The Section Header Block type is a byte palindrome, so it reads the same in either byte order. */
const PCAPNG_SECTION_HEADER = 0x0a0d0d0a;
const MAGIC_LENGTH = 4;
/** Enough of the file to recognise a text or archive header in the error message. */
const PREVIEW_LENGTH = 8;

/**
 * Chooses the parser from the first 4 bytes (needs ≥ 4 bytes; pass more if you have them). Throws
 * NotACaptureError with a one-line message that says what the first bytes look like, e.g.
 * `not a pcap or pcapng capture (first bytes: 3c 68 74 6d "<htm")`; the caller prefixes the file name.
 * The returned parser expects the whole file from byte 0, including the bytes passed here.
 */
export function createCaptureParser(
  firstBytes: Uint8Array,
  sink: PacketSink,
  counters?: AnomalyCounter,
): CaptureParser {
  if (firstBytes.length < MAGIC_LENGTH) {
    const what = firstBytes.length === 0 ? 'empty input' : `only ${firstBytes.length} bytes: ${preview(firstBytes)}`;
    throw new NotACaptureError(`not a pcap or pcapng capture (${what})`);
  }
  const magic = ((firstBytes[0]! << 24) | (firstBytes[1]! << 16) | (firstBytes[2]! << 8) | firstBytes[3]!) >>> 0;
  switch (magic) {
    case PCAP_MICROS_BIG_ENDIAN:
    case PCAP_MICROS_LITTLE_ENDIAN:
    case PCAP_NANOS_BIG_ENDIAN:
    case PCAP_NANOS_LITTLE_ENDIAN:
      return new PcapParser(sink, counters);
    case PCAPNG_SECTION_HEADER:
      return new PcapngParser(sink, counters);
    default:
      throw new NotACaptureError(`not a pcap or pcapng capture (first bytes: ${preview(firstBytes)})`);
  }
}

/** `3c 68 74 6d "<htm"`: hex for the exact bytes, printable ASCII so text files are recognisable. */
function preview(bytes: Uint8Array): string {
  const shown = bytes.subarray(0, PREVIEW_LENGTH);
  const hexPart = Array.from(shown, (b) => b.toString(16).padStart(2, '0')).join(' ');
  const asciiPart = Array.from(shown, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return `${hexPart} ${JSON.stringify(asciiPart)}`;
}
