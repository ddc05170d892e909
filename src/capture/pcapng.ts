// pcapng: a sequence of blocks (type, total length, body, total length again), grouped in sections
// that each start with a Section Header Block fixing the byte order and resetting the interface list.
// Packets come from Enhanced, Simple and Obsolete Packet Blocks; every other block is skipped.

import { Anomaly } from '../decode/anomaly.js';
import type { AnomalyCounter, PacketSink } from './parser.js';
import { FramedCaptureParser } from './pcap.js';

const BLOCK_TYPE = 0;
const BLOCK_TOTAL_LENGTH = 4;
/** Type, leading and trailing length: the smallest possible block. */
const BLOCK_MIN_LENGTH = 12;
const BLOCK_TRAILER_LENGTH = 4;
/** Far above any real block; a larger length means we are reading garbage, and must not buffer it. */
const ABSURD_BLOCK_LENGTH = 32 * 1024 * 1024;

const SECTION_HEADER_BLOCK = 0x0a0d0d0a;
const INTERFACE_DESCRIPTION_BLOCK = 1;
const OBSOLETE_PACKET_BLOCK = 2;
const SIMPLE_PACKET_BLOCK = 3;
const ENHANCED_PACKET_BLOCK = 6;

const SHB_BYTE_ORDER_MAGIC = 8;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Byte-order magic, version, section length. */
const SHB_MIN_LENGTH = 28;

const IDB_LINK_TYPE = 8;
const IDB_SNAPLEN = 12;
const IDB_OPTIONS = 16;
const IDB_MIN_LENGTH = 20;

const EPB_INTERFACE_ID = 8;
const EPB_TS_HIGH = 12;
const EPB_TS_LOW = 16;
const EPB_CAPTURED_LENGTH = 20;
const EPB_ORIGINAL_LENGTH = 24;
const EPB_DATA = 28;
const EPB_MIN_LENGTH = EPB_DATA + BLOCK_TRAILER_LENGTH;

// The Obsolete Packet Block is the EPB's ancestor: same layout, with a 16-bit interface id
// followed by a 16-bit drop count where the EPB has its 32-bit interface id.
const OPB_INTERFACE_ID = 8;

const SPB_ORIGINAL_LENGTH = 8;
const SPB_DATA = 12;
const SPB_MIN_LENGTH = SPB_DATA + BLOCK_TRAILER_LENGTH;

const OPTION_HEADER_LENGTH = 4;
const OPTION_END = 0;
const OPTION_IF_TSRESOL = 9;
const OPTION_IF_TSOFFSET = 14;
/** if_tsresol: bit 7 set means the rest is a power of two, else a power of ten (units of 2^-n or 10^-n s). */
const TSRESOL_BINARY_FLAG = 0x80;
const TSRESOL_EXPONENT_MASK = 0x7f;
const DEFAULT_TSRESOL_EXPONENT = 6;

const MICROS_PER_SECOND = 1e6;
const TWO_TO_THE_32 = 4294967296;

/**
 * What packets on one interface need. The 64-bit timestamp is split into two 32-bit words in the
 * block, so instead of assembling it (BigInt, or a double that loses the low bits) each word gets
 * its own precomputed factor to microseconds.
 */
class CaptureInterface {
  constructor(
    readonly linkType: number,
    /** 0 means unlimited */
    readonly snapLength: number,
    readonly highWordMicros: number,
    readonly lowWordMicros: number,
    readonly offsetMicros: number,
  ) {}
}

export class PcapngParser extends FramedCaptureParser {
  readonly format = 'pcapng' as const;

  /** Per section; a new Section Header Block starts over. */
  private interfaces: CaptureInterface[] = [];
  private littleEndian = true;
  /** Simple Packet Blocks carry no timestamp; they get the previous packet's. */
  private lastTimestampMicros = 0;

  constructor(
    private readonly sink: PacketSink,
    private readonly counters?: AnomalyCounter,
  ) {
    super();
  }

  protected parseUnits(buf: Uint8Array, start: number, end: number): number {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let offset = start;
    for (;;) {
      const remaining = end - offset;
      if (remaining < BLOCK_MIN_LENGTH) {
        this.pendingUnitLength = BLOCK_MIN_LENGTH;
        return offset;
      }
      // The section header's type reads the same in both byte orders, and its own length must be
      // read in the byte order it declares, so the order switches before the length is read.
      const blockType = view.getUint32(offset + BLOCK_TYPE, this.littleEndian);
      if (blockType === SECTION_HEADER_BLOCK) {
        const magic = view.getUint32(offset + SHB_BYTE_ORDER_MAGIC, true);
        if (magic === BYTE_ORDER_MAGIC) this.littleEndian = true;
        else if (view.getUint32(offset + SHB_BYTE_ORDER_MAGIC, false) === BYTE_ORDER_MAGIC) this.littleEndian = false;
        else return this.corrupt(offset, `unknown byte-order magic 0x${magic.toString(16).padStart(8, '0')}`);
      }
      const littleEndian = this.littleEndian;
      const blockLength = view.getUint32(offset + BLOCK_TOTAL_LENGTH, littleEndian);
      if (blockLength < BLOCK_MIN_LENGTH || blockLength % 4 !== 0 || blockLength > ABSURD_BLOCK_LENGTH) {
        return this.corrupt(offset, `total length ${blockLength}`);
      }
      if (remaining < blockLength) {
        this.pendingUnitLength = blockLength;
        return offset;
      }
      const trailingLength = view.getUint32(offset + blockLength - BLOCK_TRAILER_LENGTH, littleEndian);
      if (trailingLength !== blockLength) {
        return this.corrupt(offset, `total length ${blockLength} but trailing copy ${trailingLength}`);
      }

      switch (blockType) {
        case ENHANCED_PACKET_BLOCK:
        case OBSOLETE_PACKET_BLOCK: {
          if (blockLength < EPB_MIN_LENGTH) return this.corrupt(offset, `packet block of ${blockLength} bytes`);
          const interfaceId =
            blockType === ENHANCED_PACKET_BLOCK
              ? view.getUint32(offset + EPB_INTERFACE_ID, littleEndian)
              : view.getUint16(offset + OPB_INTERFACE_ID, littleEndian);
          const capturedLength = view.getUint32(offset + EPB_CAPTURED_LENGTH, littleEndian);
          if (capturedLength > blockLength - EPB_MIN_LENGTH) {
            return this.corrupt(offset, `captured length ${capturedLength} in a ${blockLength}-byte block`);
          }
          if (interfaceId >= this.interfaces.length) {
            this.counters?.add(Anomaly.unknown_interface);
            break;
          }
          const captureInterface = this.interfaces[interfaceId]!;
          const tsMicros =
            view.getUint32(offset + EPB_TS_HIGH, littleEndian) * captureInterface.highWordMicros +
            view.getUint32(offset + EPB_TS_LOW, littleEndian) * captureInterface.lowWordMicros +
            captureInterface.offsetMicros;
          this.lastTimestampMicros = tsMicros;
          const originalLength = view.getUint32(offset + EPB_ORIGINAL_LENGTH, littleEndian);
          const wireLength = originalLength < capturedLength ? capturedLength : originalLength;
          this.sink(buf, offset + EPB_DATA, capturedLength, wireLength, tsMicros, captureInterface.linkType);
          break;
        }
        case SIMPLE_PACKET_BLOCK: {
          if (blockLength < SPB_MIN_LENGTH) return this.corrupt(offset, `simple packet block of ${blockLength} bytes`);
          // Always interface 0, and no captured length: the packet is whatever fits, which is the
          // original length unless the snaplen or the block (minus its padding) cut it short.
          if (this.interfaces.length === 0) {
            this.counters?.add(Anomaly.unknown_interface);
            break;
          }
          const captureInterface = this.interfaces[0]!;
          const originalLength = view.getUint32(offset + SPB_ORIGINAL_LENGTH, littleEndian);
          let capturedLength = Math.min(originalLength, blockLength - SPB_MIN_LENGTH);
          if (captureInterface.snapLength > 0 && captureInterface.snapLength < capturedLength) {
            capturedLength = captureInterface.snapLength;
          }
          this.sink(
            buf,
            offset + SPB_DATA,
            capturedLength,
            originalLength,
            this.lastTimestampMicros,
            captureInterface.linkType,
          );
          break;
        }
        case INTERFACE_DESCRIPTION_BLOCK:
          if (blockLength < IDB_MIN_LENGTH) return this.corrupt(offset, `interface block of ${blockLength} bytes`);
          this.addInterface(view, offset, blockLength);
          break;
        case SECTION_HEADER_BLOCK:
          if (blockLength < SHB_MIN_LENGTH) return this.corrupt(offset, `section header of ${blockLength} bytes`);
          this.interfaces = [];
          break;
        default:
          // Name resolution, statistics, decryption secrets, custom and unknown blocks: not packets.
          break;
      }
      offset += blockLength;
    }
  }

  protected describeTruncation(unit: Uint8Array): string {
    if (unit.length < BLOCK_MIN_LENGTH) {
      return `truncated last block header: ${unit.length} of ${BLOCK_MIN_LENGTH} bytes`;
    }
    const view = new DataView(unit.buffer, unit.byteOffset, unit.byteLength);
    const blockLength = view.getUint32(BLOCK_TOTAL_LENGTH, this.littleEndian);
    return `truncated last block: ${unit.length} of ${blockLength} bytes`;
  }

  private corrupt(offset: number, reason: string): number {
    this.counters?.add(Anomaly.bad_pcapng_block);
    this.halt(`corrupt pcapng block at byte ${this.bufferFileOffset + offset}: ${reason}`);
    return offset;
  }

  private addInterface(view: DataView, blockOffset: number, blockLength: number): void {
    const littleEndian = this.littleEndian;
    const linkType = view.getUint16(blockOffset + IDB_LINK_TYPE, littleEndian);
    const snapLength = view.getUint32(blockOffset + IDB_SNAPLEN, littleEndian);
    let resolution = DEFAULT_TSRESOL_EXPONENT;
    let offsetSeconds = 0;

    // Options are advisory: a malformed list ends the scan without affecting the packets.
    const optionsEnd = blockOffset + blockLength - BLOCK_TRAILER_LENGTH;
    let option = blockOffset + IDB_OPTIONS;
    while (option + OPTION_HEADER_LENGTH <= optionsEnd) {
      const code = view.getUint16(option, littleEndian);
      const length = view.getUint16(option + 2, littleEndian);
      const value = option + OPTION_HEADER_LENGTH;
      if (code === OPTION_END || value + length > optionsEnd) break;
      if (code === OPTION_IF_TSRESOL && length >= 1) {
        resolution = view.getUint8(value);
      } else if (code === OPTION_IF_TSOFFSET && length >= 8) {
        // Signed 64-bit seconds; as a double it is exact for any plausible offset.
        const low = view.getUint32(value + (littleEndian ? 0 : 4), littleEndian);
        const high = view.getInt32(value + (littleEndian ? 4 : 0), littleEndian);
        offsetSeconds = high * TWO_TO_THE_32 + low;
      }
      option = value + ((length + 3) & ~3);
    }

    const exponent = resolution & TSRESOL_EXPONENT_MASK;
    const unitsPerSecond = resolution & TSRESOL_BINARY_FLAG ? 2 ** exponent : 10 ** exponent;
    // Dividing once, late, keeps the factors correctly rounded (and exact for µs, ms and 2^-n).
    const highWordMicros = (TWO_TO_THE_32 * MICROS_PER_SECOND) / unitsPerSecond;
    const lowWordMicros = MICROS_PER_SECOND / unitsPerSecond;
    this.interfaces.push(
      new CaptureInterface(linkType, snapLength, highWordMicros, lowWordMicros, offsetSeconds * MICROS_PER_SECOND),
    );
    this.linkTypes.push(linkType);
  }
}
