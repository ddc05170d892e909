// Classic libpcap files: a 24-byte file header, then records of a 16-byte header and the packet.
// Both byte orders, microsecond (a1b2c3d4) and nanosecond (a1b23c4d) timestamps.

import type { CaptureParser, PacketSink } from './parser.js';

/** A straddling unit up to this size gets its whole carry buffer at once (see appendToCarry). */
const CARRY_PREALLOCATION_LIMIT = 256 * 1024;

/**
 * Chunk handling shared by both capture formats, which are both sequences of length-prefixed units
 * (a file header, records or blocks). Complete units are parsed straight out of the caller's chunk;
 * only a unit that straddles two pushes is copied, into a carry buffer that grows to the largest
 * such unit. It lives here rather than in parser.ts because parser.ts imports both parsers, and a
 * base class in a module cycle is not initialised when the subclass is defined.
 */
export abstract class FramedCaptureParser implements CaptureParser {
  abstract readonly format: 'pcap' | 'pcapng';
  readonly warnings: string[] = [];
  readonly linkTypes: number[] = [];

  /**
   * Bytes the unit starting at the returned offset of the last parseUnits call needs before it can
   * be parsed: only its fixed header while the length is still unknown, then the whole unit.
   */
  protected pendingUnitLength = 0;
  /** File offset of byte 0 of the buffer parseUnits is working on, so warnings can name file positions. */
  protected bufferFileOffset = 0;

  private halted = false;
  private finished = false;
  private bytesPushed = 0;
  private carry = new Uint8Array(0);
  private carryLength = 0;
  private carryFileOffset = 0;

  get stopped(): boolean {
    return this.halted;
  }

  /**
   * Parses every complete unit in buf[start, end) and returns the offset of the first one that is
   * incomplete (setting pendingUnitLength), or where it stopped after calling halt().
   */
  protected abstract parseUnits(buf: Uint8Array, start: number, end: number): number;

  /** The warning for input that ends inside a unit; `unit` holds the bytes that did arrive. */
  protected abstract describeTruncation(unit: Uint8Array): string;

  /** Fatal corruption: no more records are delivered, and later pushes are ignored. */
  protected halt(warning: string): void {
    this.warnings.push(warning);
    this.halted = true;
  }

  push(chunk: Uint8Array): void {
    if (this.halted || this.finished) return;
    const chunkFileOffset = this.bytesPushed;
    this.bytesPushed += chunk.length;
    let offset = 0;
    if (this.carryLength > 0) {
      offset = this.completeCarriedUnit(chunk);
      if (offset < 0) return;
    }
    this.bufferFileOffset = chunkFileOffset;
    const parsedUpTo = this.parseUnits(chunk, offset, chunk.length);
    if (this.halted || parsedUpTo === chunk.length) return;
    // The caller may overwrite the chunk once we return, so the incomplete tail is copied now.
    this.carryFileOffset = chunkFileOffset + parsedUpTo;
    this.appendToCarry(chunk, parsedUpTo, chunk.length - parsedUpTo);
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.halted || this.carryLength === 0) return;
    this.warnings.push(this.describeTruncation(this.carry.subarray(0, this.carryLength)));
    this.carryLength = 0;
  }

  /**
   * Tops the carried unit up from the new chunk and parses it once complete. Returns the chunk offset
   * where ordinary parsing resumes, or -1 when the chunk was used up (or parsing halted) first.
   */
  private completeCarriedUnit(chunk: Uint8Array): number {
    let offset = 0;
    for (;;) {
      const wanted = this.pendingUnitLength - this.carryLength;
      const taken = Math.min(wanted, chunk.length - offset);
      this.appendToCarry(chunk, offset, taken);
      offset += taken;
      if (this.carryLength < this.pendingUnitLength) return -1;
      this.bufferFileOffset = this.carryFileOffset;
      const parsed = this.parseUnits(this.carry, 0, this.carryLength);
      if (this.halted) return -1;
      if (parsed === this.carryLength) {
        this.carryLength = 0;
        return offset;
      }
      // Usually nothing was parsed: the unit's header just became readable and pendingUnitLength
      // now covers its body, so go round again for the rest.
      if (parsed > 0) {
        this.carry.copyWithin(0, parsed, this.carryLength);
        this.carryLength -= parsed;
        this.carryFileOffset += parsed;
      }
    }
  }

  private appendToCarry(source: Uint8Array, start: number, length: number): void {
    const needed = this.carryLength + length;
    if (needed > this.carry.length) {
      // Sized for the whole unit at once, unless its length is large enough to be a corrupt value
      // that more input would expose; then it grows only as bytes actually arrive.
      const expected = Math.min(this.pendingUnitLength, CARRY_PREALLOCATION_LIMIT);
      const grown = new Uint8Array(Math.max(needed, expected, this.carry.length * 2));
      grown.set(this.carry.subarray(0, this.carryLength));
      this.carry = grown;
    }
    this.carry.set(source.subarray(start, start + length), this.carryLength);
    this.carryLength = needed;
  }
}

const FILE_HEADER_LENGTH = 24;
const FILE_HEADER_MAGIC = 0;
const FILE_HEADER_VERSION_MAJOR = 4;
const FILE_HEADER_VERSION_MINOR = 6;
const FILE_HEADER_SNAPLEN = 16;
const FILE_HEADER_NETWORK = 20;

const RECORD_HEADER_LENGTH = 16;
const RECORD_TS_SECONDS = 0;
const RECORD_TS_FRACTION = 4;
const RECORD_CAPTURED_LENGTH = 8;
const RECORD_ORIGINAL_LENGTH = 12;

/** The magics read in the file's own byte order (the writing host stored them natively). */
const MAGIC_MICROS = 0xa1b2c3d4;
const MAGIC_NANOS = 0xa1b23c4d;
/** The upper bits of the network field carry FCS length flags, not the link type. */
const LINK_TYPE_MASK = 0xffff;

/** No real capture has a record this large; seeing one means we are reading garbage as a header. */
const ABSURD_RECORD_LENGTH = 16 * 1024 * 1024;
/** libpcap's own maximum snapshot length; files with a smaller snaplen still get this much slack. */
const LIBPCAP_MAX_SNAPLEN = 262144;
const SNAPLEN_SLACK_FACTOR = 4;

/**
 * libpcap before 2.3 wrote the two lengths the other way round, and 2.3 files come from both
 * kinds of writer; libpcap and Wireshark undo that, so we do too (it decides how many bytes a
 * record has). Version 2.4, the only one written today, is taken as it stands.
 */
const enum LengthOrder {
  AsWritten,
  Swapped,
  SwappedIfCapturedLonger,
}
const SWAPPED_BEFORE_MINOR_VERSION = 3;
const MIXED_MINOR_VERSION = 3;

function lengthsSwapped(order: LengthOrder, writtenCaptured: number, writtenOriginal: number): boolean {
  return (
    order === LengthOrder.Swapped ||
    (order === LengthOrder.SwappedIfCapturedLonger && writtenCaptured > writtenOriginal)
  );
}

const MICROS_PER_SECOND = 1e6;
const NANOS_PER_MICRO = 1000;

export class PcapParser extends FramedCaptureParser {
  readonly format = 'pcap' as const;

  private headerParsed = false;
  private littleEndian = true;
  private nanosecondTimestamps = false;
  private linkType = 0;
  private lengthOrder = LengthOrder.AsWritten;
  private maxCapturedLength = ABSURD_RECORD_LENGTH;

  constructor(private readonly sink: PacketSink) {
    super();
  }

  protected parseUnits(buf: Uint8Array, start: number, end: number): number {
    let offset = start;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    if (!this.headerParsed) {
      if (end - offset < FILE_HEADER_LENGTH) {
        this.pendingUnitLength = FILE_HEADER_LENGTH;
        return offset;
      }
      this.readFileHeader(view, offset);
      offset += FILE_HEADER_LENGTH;
    }
    const littleEndian = this.littleEndian;
    const nanos = this.nanosecondTimestamps;
    const linkType = this.linkType;
    const maxCapturedLength = this.maxCapturedLength;
    const lengthOrder = this.lengthOrder;
    const sink = this.sink;
    for (;;) {
      const remaining = end - offset;
      if (remaining < RECORD_HEADER_LENGTH) {
        this.pendingUnitLength = RECORD_HEADER_LENGTH;
        return offset;
      }
      let capturedLength = view.getUint32(offset + RECORD_CAPTURED_LENGTH, littleEndian);
      let originalLength = view.getUint32(offset + RECORD_ORIGINAL_LENGTH, littleEndian);
      if (lengthOrder !== LengthOrder.AsWritten && lengthsSwapped(lengthOrder, capturedLength, originalLength)) {
        const writtenFirst = capturedLength;
        capturedLength = originalLength;
        originalLength = writtenFirst;
      }
      // Checked before waiting for the body: a garbage length must not make us buffer the rest of the file.
      if (capturedLength > maxCapturedLength) {
        this.halt(`corrupt record at byte ${this.bufferFileOffset + offset}: captured length ${capturedLength}`);
        return offset;
      }
      const recordLength = RECORD_HEADER_LENGTH + capturedLength;
      if (remaining < recordLength) {
        this.pendingUnitLength = recordLength;
        return offset;
      }
      const seconds = view.getUint32(offset + RECORD_TS_SECONDS, littleEndian);
      const fraction = view.getUint32(offset + RECORD_TS_FRACTION, littleEndian);
      // Bogus timestamps and original lengths occur in fuzzed and hand-edited files; they are passed on, not fatal.
      const tsMicros = seconds * MICROS_PER_SECOND + (nanos ? fraction / NANOS_PER_MICRO : fraction);
      const wireLength = originalLength < capturedLength ? capturedLength : originalLength;
      sink(buf, offset + RECORD_HEADER_LENGTH, capturedLength, wireLength, tsMicros, linkType);
      offset += recordLength;
    }
  }

  protected describeTruncation(unit: Uint8Array): string {
    if (!this.headerParsed) return `truncated file header: ${unit.length} of ${FILE_HEADER_LENGTH} bytes`;
    if (unit.length < RECORD_HEADER_LENGTH) {
      return `truncated last record header: ${unit.length} of ${RECORD_HEADER_LENGTH} bytes`;
    }
    const view = new DataView(unit.buffer, unit.byteOffset, unit.byteLength);
    const writtenCaptured = view.getUint32(RECORD_CAPTURED_LENGTH, this.littleEndian);
    const writtenOriginal = view.getUint32(RECORD_ORIGINAL_LENGTH, this.littleEndian);
    const swapped = lengthsSwapped(this.lengthOrder, writtenCaptured, writtenOriginal);
    const capturedLength = swapped ? writtenOriginal : writtenCaptured;
    return `truncated last record: ${unit.length - RECORD_HEADER_LENGTH} of ${capturedLength} bytes`;
  }

  private readFileHeader(view: DataView, offset: number): void {
    // createCaptureParser only hands us one of the four magics, so whichever byte order makes it
    // read as a known magic is the writer's.
    const magicLittleEndian = view.getUint32(offset + FILE_HEADER_MAGIC, true);
    this.littleEndian = magicLittleEndian === MAGIC_MICROS || magicLittleEndian === MAGIC_NANOS;
    const magic = this.littleEndian ? magicLittleEndian : view.getUint32(offset + FILE_HEADER_MAGIC, false);
    this.nanosecondTimestamps = magic === MAGIC_NANOS;
    const major = view.getUint16(offset + FILE_HEADER_VERSION_MAJOR, this.littleEndian);
    const minor = view.getUint16(offset + FILE_HEADER_VERSION_MINOR, this.littleEndian);
    if (major === 2 && minor < SWAPPED_BEFORE_MINOR_VERSION) this.lengthOrder = LengthOrder.Swapped;
    else if (major === 2 && minor === MIXED_MINOR_VERSION) this.lengthOrder = LengthOrder.SwappedIfCapturedLonger;
    const snaplen = view.getUint32(offset + FILE_HEADER_SNAPLEN, this.littleEndian);
    this.maxCapturedLength = Math.min(
      ABSURD_RECORD_LENGTH,
      Math.max(snaplen, LIBPCAP_MAX_SNAPLEN) * SNAPLEN_SLACK_FACTOR,
    );
    this.linkType = view.getUint32(offset + FILE_HEADER_NETWORK, this.littleEndian) & LINK_TYPE_MASK;
    this.linkTypes.push(this.linkType);
    this.headerParsed = true;
  }
}
