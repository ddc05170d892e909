// pcapng: a sequence of blocks (type, total length, body, total length again), grouped in sections
// that each start with a Section Header Block fixing the byte order and resetting the interface list.
// Packets come from Enhanced, Simple and Obsolete Packet Blocks; every other block is skipped.

import { Anomaly } from '../decode/anomaly.js';
import type { AnomalyCounter, PacketSink } from './parser.js';
import { CHAIN_BROKEN, CHAIN_HOLDS, FramedCaptureParser, RESYNC_SCAN_LIMIT, ScanResult } from './pcap.js';

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
const NAME_RESOLUTION_BLOCK = 4;
const INTERFACE_STATISTICS_BLOCK = 5;
const ENHANCED_PACKET_BLOCK = 6;
const SYSTEMD_JOURNAL_BLOCK = 9;
const DECRYPTION_SECRETS_BLOCK = 0x0a;
const CUSTOM_BLOCK = 0x00000bad;
const CUSTOM_BLOCK_NOT_COPIED = 0x40000bad;
/** The block types a resynchronisation accepts as the next block: the specification's, besides the section header. */
const KNOWN_BLOCK_TYPES = new Set([
  INTERFACE_DESCRIPTION_BLOCK,
  OBSOLETE_PACKET_BLOCK,
  SIMPLE_PACKET_BLOCK,
  NAME_RESOLUTION_BLOCK,
  INTERFACE_STATISTICS_BLOCK,
  ENHANCED_PACKET_BLOCK,
  SYSTEMD_JOURNAL_BLOCK,
  DECRYPTION_SECRETS_BLOCK,
  CUSTOM_BLOCK,
  CUSTOM_BLOCK_NOT_COPIED,
]);
/**
 * A candidate block after corruption may be at most this long: enough for any packet block, and
 * it keeps a garbage length from making each byte of the scan wait for megabytes.
 */
const MAX_RESYNC_BLOCK_LENGTH = 1024 * 1024;
/** A candidate and the block after it must both be framed right (or the input ends after the first). */
const RESYNC_CHAIN = 2;

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

/** The smallest a block of this type can be and still hold its fixed fields. */
function minimumLength(blockType: number): number {
  switch (blockType) {
    case SECTION_HEADER_BLOCK:
      return SHB_MIN_LENGTH;
    case INTERFACE_DESCRIPTION_BLOCK:
      return IDB_MIN_LENGTH;
    case ENHANCED_PACKET_BLOCK:
    case OBSOLETE_PACKET_BLOCK:
      return EPB_MIN_LENGTH;
    case SIMPLE_PACKET_BLOCK:
      return SPB_MIN_LENGTH;
    default:
      return BLOCK_MIN_LENGTH;
  }
}

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
  protected readonly unitName = 'block';

  /** Per section; a new Section Header Block starts over. */
  private interfaces: CaptureInterface[] = [];
  private littleEndian = true;
  /** Simple Packet Blocks carry no timestamp; they get the previous packet's. */
  private lastTimestampMicros = 0;
  private packetsDelivered = 0;

  constructor(
    private readonly sink: PacketSink,
    private readonly counters?: AnomalyCounter,
  ) {
    super();
  }

  protected parseUnits(buf: Uint8Array, start: number, end: number): number {
    let offset = start;
    for (;;) {
      if (this.resync !== null) {
        offset = this.resynchronise(buf, offset, end, false);
        if (this.resync !== null) return offset;
      }
      offset = this.parseBlocks(buf, offset, end);
      if (this.resync === null) return offset;
    }
  }

  protected parseAtEnd(buf: Uint8Array, start: number, end: number): number {
    let offset = start;
    for (;;) {
      if (this.resync !== null) {
        offset = this.resynchronise(buf, offset, end, true);
        if (this.resync !== null) return end;
      }
      offset = this.parseBlocks(buf, offset, end);
      if (this.resync !== null) continue;
      if (end - offset < BLOCK_MIN_LENGTH) return offset;
      // The last block claims more bytes than the file has. A capture cut short ends that way,
      // but so does a block whose length is corrupt; then whole blocks follow it.
      const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      const next = this.findUnit(view, offset + 1, end, true, this.bufferFileOffset + offset + RESYNC_SCAN_LIMIT);
      if (this.scanResult !== ScanResult.Found) return offset;
      const blockLength = view.getUint32(offset + BLOCK_TOTAL_LENGTH, this.littleEndian);
      this.corrupt(offset, `total length ${blockLength} runs past the end of the file`);
      offset = next;
    }
  }

  /**
   * Every complete block in buf[start, end); returns the offset of the first incomplete one
   * (pendingUnitLength set), or after the first byte of a corrupt one (resync set).
   */
  private parseBlocks(buf: Uint8Array, start: number, end: number): number {
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
          this.packetsDelivered++;
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
          this.packetsDelivered++;
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

  /** Starts the scan for the next plausible block, from the byte after the corrupt one's first. */
  private corrupt(offset: number, reason: string): number {
    this.counters?.add(Anomaly.bad_pcapng_block);
    this.startResync(offset, `corrupt pcapng block at byte ${this.bufferFileOffset + offset} (after packet ${this.packetsDelivered}): ${reason}`);
    return offset + 1;
  }

  protected readonly unitHeaderLength = BLOCK_MIN_LENGTH;

  protected cannotStartAt(view: DataView, at: number): boolean {
    // the block type alone rules most offsets out
    const blockType = view.getUint32(at + BLOCK_TYPE, this.littleEndian);
    const known =
      (blockType > 0 && blockType <= DECRYPTION_SECRETS_BLOCK) ||
      blockType === SECTION_HEADER_BLOCK ||
      blockType === CUSTOM_BLOCK ||
      blockType === CUSTOM_BLOCK_NOT_COPIED;
    return !known;
  }

  protected unitsFollow(view: DataView, at: number, end: number, atEnd: boolean): number {
    return this.plausibleBlocks(view, at, end, atEnd);
  }

  /**
   * Whether blocks plausibly start at `at`: RESYNC_CHAIN blocks one after the other, each of a known
   * type (a section header in either byte order, the others in the section's), its total length a
   * multiple of 4 from 12 to MAX_RESYNC_BLOCK_LENGTH and repeated at its end, a packet block's
   * captured length inside it. A chain that reaches the end of the input after one whole block holds.
   * Returns CHAIN_HOLDS, CHAIN_BROKEN or the bytes from `at` it needs to decide.
   */
  private plausibleBlocks(view: DataView, at: number, end: number, atEnd: boolean): number {
    let littleEndian = this.littleEndian;
    let position = at;
    for (let link = 0; link < RESYNC_CHAIN; link++) {
      const available = end - position;
      if (available < BLOCK_MIN_LENGTH) {
        if (!atEnd) return position + BLOCK_MIN_LENGTH - at;
        return link > 0 ? CHAIN_HOLDS : CHAIN_BROKEN;
      }
      const blockType = view.getUint32(position + BLOCK_TYPE, littleEndian);
      if (blockType === SECTION_HEADER_BLOCK) {
        if (view.getUint32(position + SHB_BYTE_ORDER_MAGIC, true) === BYTE_ORDER_MAGIC) littleEndian = true;
        else if (view.getUint32(position + SHB_BYTE_ORDER_MAGIC, false) === BYTE_ORDER_MAGIC) littleEndian = false;
        else return CHAIN_BROKEN;
      } else if (!KNOWN_BLOCK_TYPES.has(blockType)) {
        return CHAIN_BROKEN;
      }
      const blockLength = view.getUint32(position + BLOCK_TOTAL_LENGTH, littleEndian);
      if (blockLength < BLOCK_MIN_LENGTH || blockLength % 4 !== 0 || blockLength > MAX_RESYNC_BLOCK_LENGTH) return CHAIN_BROKEN;
      if (available < blockLength) {
        if (!atEnd) return position + blockLength - at;
        // the block after a whole one is cut short: a truncated last block, which parsing reports
        return link > 0 ? CHAIN_HOLDS : CHAIN_BROKEN;
      }
      if (view.getUint32(position + blockLength - BLOCK_TRAILER_LENGTH, littleEndian) !== blockLength) return CHAIN_BROKEN;
      if (blockLength < minimumLength(blockType)) return CHAIN_BROKEN;
      if (
        (blockType === ENHANCED_PACKET_BLOCK || blockType === OBSOLETE_PACKET_BLOCK) &&
        view.getUint32(position + EPB_CAPTURED_LENGTH, littleEndian) > blockLength - EPB_MIN_LENGTH
      ) {
        return CHAIN_BROKEN;
      }
      position += blockLength;
    }
    return CHAIN_HOLDS;
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
