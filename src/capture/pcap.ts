// Classic libpcap files: a 24-byte file header, then records of a 16-byte header and the packet.
// Both byte orders, microsecond (a1b2c3d4) and nanosecond (a1b23c4d) timestamps.

import { Anomaly } from '../decode/anomaly.js';
import type { AnomalyCounter, CaptureParser, PacketSink } from './parser.js';

/** A straddling unit up to this size gets its whole carry buffer at once (see appendToCarry). */
const CARRY_PREALLOCATION_LIMIT = 256 * 1024;

/**
 * After corruption, how far past the corrupt unit the parsers look for the next plausible one
 * before giving up on the rest of the file: a damaged length field puts it within one snap length,
 * a damaged stretch of disk within a few blocks; megabytes of bytes that never parse are not a
 * capture any more, and reading on would only cost time.
 */
export const RESYNC_SCAN_LIMIT = 64 * 1024 * 1024;

/**
 * How many bytes of the next chunk a scan takes into the carry buffer at once, when the chunk has
 * them. Its candidates overlap, so once a scan reaches the end of a chunk it goes on in the carry;
 * taking just what the next candidate needs would move it through the next chunk a byte per round.
 */
const SCAN_READ_AHEAD = 64 * 1024;

/** What a test of unit headers after corruption concluded: they hold, they do not, or it needs this many bytes (> 0). */
export const CHAIN_HOLDS = 0;
export const CHAIN_BROKEN = -1;

/** How a scan for the next plausible unit ended (see findUnit). */
export const enum ScanResult {
  Found,
  /** it stopped where a candidate needs more bytes than the buffer has (pendingUnitLength set) */
  NeedsInput,
  /** nothing plausible before the end of the buffer (at the end of the input), or within RESYNC_SCAN_LIMIT */
  Exhausted,
}

/** A corruption being recovered from: where it began, and the first half of its message. */
class Resync {
  constructor(
    readonly corruptAt: number,
    readonly description: string,
  ) {}

  get giveUpAt(): number {
    return this.corruptAt + RESYNC_SCAN_LIMIT;
  }
}

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
  readonly errors: string[] = [];
  readonly linkTypes: number[] = [];
  skippedBytes = 0;
  resynchronisations = 0;

  /**
   * Bytes the unit starting at the returned offset of the last parseUnits call needs before it can
   * be parsed: only its fixed header while the length is still unknown, then the whole unit (and,
   * while looking for where records start again after corruption, what the test of a candidate reads).
   */
  protected pendingUnitLength = 0;
  /** File offset of byte 0 of the buffer parseUnits is working on, so messages can name file positions. */
  protected bufferFileOffset = 0;
  /** set while scanning for where units start again after corruption */
  protected resync: Resync | null = null;
  /** how the last findUnit call ended */
  protected scanResult = ScanResult.Found;

  private halted = false;
  private finished = false;
  private bytesPushed = 0;
  /** The carried bytes are carry[carryStart, carryEnd): a scan that moves through them byte by byte drops its head without copying the rest each time. */
  private carry = new Uint8Array(0);
  private carryStart = 0;
  private carryEnd = 0;

  get stopped(): boolean {
    return this.halted;
  }

  /**
   * Parses every complete unit in buf[start, end) and returns the offset of the first one that is
   * incomplete (setting pendingUnitLength), or where it stopped after calling halt().
   */
  protected abstract parseUnits(buf: Uint8Array, start: number, end: number): number;

  /**
   * The input has ended: parses what it can of the carried bytes buf[start, end), knowing no more
   * will come, and returns where the bytes of an incomplete last unit begin (end if there are none).
   */
  protected abstract parseAtEnd(buf: Uint8Array, start: number, end: number): number;

  /** The warning for input that ends inside a unit; `unit` holds the bytes that did arrive. */
  protected abstract describeTruncation(unit: Uint8Array): string;

  /** what the format's units are called in messages */
  protected abstract readonly unitName: string;

  /**
   * The first offset from `from` where units plausibly start (scanResult Found), or where the scan
   * stopped: at a candidate that needs more bytes than buf has up to `end` (NeedsInput,
   * pendingUnitLength set), or at the end of the input, or at the first offset at or past file
   * offset `giveUpAt` (Exhausted).
   */
  protected findUnit(view: DataView, from: number, end: number, atEnd: boolean, giveUpAt: number): number {
    const last = Math.min(end, giveUpAt - this.bufferFileOffset);
    const quickTestEnd = end - this.unitHeaderLength;
    for (let at = from; at < last; at++) {
      if (at <= quickTestEnd && this.cannotStartAt(view, at)) continue;
      const verdict = this.unitsFollow(view, at, end, atEnd);
      if (verdict === CHAIN_BROKEN) continue;
      if (verdict > 0) {
        this.pendingUnitLength = verdict;
        this.scanResult = ScanResult.NeedsInput;
      } else {
        this.scanResult = ScanResult.Found;
      }
      return at;
    }
    const stop = Math.max(from, last);
    if (stop === end && !atEnd) {
      this.pendingUnitLength = this.unitHeaderLength;
      this.scanResult = ScanResult.NeedsInput;
    } else {
      this.scanResult = ScanResult.Exhausted;
    }
    return stop;
  }

  /** the length of a unit's header, which cannotStartAt may read */
  protected abstract readonly unitHeaderLength: number;

  /** A cheap first test of a candidate (its header is in the buffer): most offsets fail here. */
  protected abstract cannotStartAt(view: DataView, at: number): boolean;

  /** Whether units plausibly start at `at`: CHAIN_HOLDS, CHAIN_BROKEN, or the bytes it needs to tell (> 0). */
  protected abstract unitsFollow(view: DataView, at: number, end: number, atEnd: boolean): number;

  /** Corruption at buf[offset]: from now on parseUnits scans for where units start again (see resynchronise). */
  protected startResync(offset: number, description: string): void {
    this.resync = new Resync(this.bufferFileOffset + offset, description);
  }

  /**
   * Scans from buf[offset] for where units start again, and returns where parsing goes on from:
   * there, with resync cleared and the corruption's one line written, or where the scan waits for
   * more input (resync still set), or wherever it gave up (halted).
   */
  protected resynchronise(buf: Uint8Array, offset: number, end: number, atEnd: boolean): number {
    const resync = this.resync!;
    const at = this.findUnit(new DataView(buf.buffer, buf.byteOffset, buf.byteLength), offset, end, atEnd, resync.giveUpAt);
    const unit = this.unitName;
    switch (this.scanResult) {
      case ScanResult.NeedsInput:
        return at;
      case ScanResult.Found: {
        const resumeAt = this.bufferFileOffset + at;
        this.errors.push(`${resync.description}; skipped ${resumeAt - resync.corruptAt} bytes to the next plausible ${unit} at byte ${resumeAt}`);
        this.skippedBytes += resumeAt - resync.corruptAt;
        this.resynchronisations++;
        break;
      }
      case ScanResult.Exhausted: {
        if (at < end) {
          this.skippedBytes += RESYNC_SCAN_LIMIT;
          this.halt(`${resync.description}; no plausible ${unit} in the next ${RESYNC_SCAN_LIMIT / 1024 / 1024} MiB, so the rest of the file was not read`);
          return at;
        }
        const fileEnd = this.bufferFileOffset + end;
        this.errors.push(`${resync.description}; no plausible ${unit} follows it: skipped the last ${fileEnd - resync.corruptAt} bytes`);
        this.skippedBytes += fileEnd - resync.corruptAt;
        break;
      }
    }
    this.resync = null;
    return at;
  }

  /** Fatal corruption: no more records are delivered, and later pushes are ignored. */
  protected halt(error: string): void {
    this.errors.push(error);
    this.halted = true;
  }

  push(chunk: Uint8Array): void {
    if (this.halted || this.finished) return;
    const chunkFileOffset = this.bytesPushed;
    this.bytesPushed += chunk.length;
    let offset = 0;
    if (this.carryEnd > this.carryStart) {
      offset = this.completeCarriedUnit(chunk, chunkFileOffset);
      if (offset < 0) return;
    }
    this.bufferFileOffset = chunkFileOffset;
    const parsedUpTo = this.parseUnits(chunk, offset, chunk.length);
    if (this.halted || parsedUpTo === chunk.length) return;
    // The caller may overwrite the chunk once we return, so the incomplete tail is copied now.
    this.appendToCarry(chunk, parsedUpTo, chunk.length - parsedUpTo);
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.halted) return;
    // carry[carryEnd] is where the input ended, also when nothing is carried
    this.bufferFileOffset = this.bytesPushed - this.carryEnd;
    const rest = this.parseAtEnd(this.carry, this.carryStart, this.carryEnd);
    if (!this.halted && rest < this.carryEnd) this.warnings.push(this.describeTruncation(this.carry.subarray(rest, this.carryEnd)));
    this.carryStart = this.carryEnd = 0;
  }

  /**
   * Tops the carried unit up from the new chunk and parses it once complete. Returns the chunk offset
   * where ordinary parsing resumes, or -1 when the chunk was used up (or parsing halted) first.
   */
  private completeCarriedUnit(chunk: Uint8Array, chunkFileOffset: number): number {
    let offset = 0;
    for (;;) {
      const wanted = this.pendingUnitLength - (this.carryEnd - this.carryStart);
      const taken = Math.min(this.resync !== null ? Math.max(wanted, SCAN_READ_AHEAD) : wanted, chunk.length - offset);
      this.appendToCarry(chunk, offset, taken);
      offset += taken;
      if (this.carryEnd - this.carryStart < this.pendingUnitLength) return -1;
      // the carry ends where the chunk's bytes taken so far end
      this.bufferFileOffset = chunkFileOffset + offset - this.carryEnd;
      const parsed = this.parseUnits(this.carry, this.carryStart, this.carryEnd);
      if (this.halted) return -1;
      if (parsed === this.carryEnd) {
        this.carryStart = this.carryEnd = 0;
        return offset;
      }
      // Usually nothing was parsed: the unit's header just became readable and pendingUnitLength
      // now covers its body, so go round again for the rest.
      this.carryStart = parsed;
    }
  }

  private appendToCarry(source: Uint8Array, start: number, length: number): void {
    if (this.carryEnd + length > this.carry.length) {
      const held = this.carryEnd - this.carryStart;
      const needed = held + length;
      if (needed <= this.carry.length / 2) {
        // At least half the buffer was dropped from the front since it was last moved, so moving
        // what is left costs at most as much as the bytes that went by.
        this.carry.copyWithin(0, this.carryStart, this.carryEnd);
      } else {
        // Sized for the whole unit at once, unless its length is large enough to be a corrupt value
        // that more input would expose; then it grows only as bytes actually arrive.
        const expected = Math.min(this.pendingUnitLength, CARRY_PREALLOCATION_LIMIT);
        const grown = new Uint8Array(Math.max(needed, expected, this.carry.length * 2));
        grown.set(this.carry.subarray(this.carryStart, this.carryEnd));
        this.carry = grown;
      }
      this.carryStart = 0;
      this.carryEnd = held;
    }
    this.carry.set(source.subarray(start, start + length), this.carryEnd);
    this.carryEnd += length;
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

/**
 * libpcap's largest snapshot length, and the largest record Wireshark reads: a longer record is
 * corrupt, whatever the file header says (a snap length of 0 or above this means "no limit").
 */
const LIBPCAP_MAX_SNAPLEN = 262144;
/** libpcap's max_snaplen_for_dlt: the link types whose packets may be longer (D-Bus, USBPcap, EBHSCR). */
const LONG_PACKET_LINK_TYPES = new Map([
  [231, 128 * 1024 * 1024],
  [249, 1024 * 1024],
  [279, 8 * 1024 * 1024],
]);
/** No real original length comes near this; seeing one means we are reading garbage as a header. */
const ABSURD_ORIGINAL_LENGTH = 16 * 1024 * 1024;
/**
 * Consecutive records further apart than this do occur, but only where captures were merged or a
 * clock was set (40 of 48,108 records in the nDPI corpus); the resynchronisation test relies on it.
 */
const MAX_RECORD_GAP_SECONDS = 24 * 60 * 60;

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
const NANOS_PER_SECOND = 1e9;

/** no earlier record to compare the timestamp with */
const NO_ANCHOR = -1;
/** Headers a candidate needs that agree with each other: two if the first is near the last good record in time, else three. */
const ANCHORED_CHAIN = 2;
const UNANCHORED_CHAIN = 3;

const enum LongRecord {
  /** plausible records follow it: it is delivered */
  Vouched,
  /** the test needs more bytes (pendingUnitLength set) */
  NeedsInput,
  /** its length is corrupt: resync set */
  Corrupt,
}

export class PcapParser extends FramedCaptureParser {
  readonly format = 'pcap' as const;
  protected readonly unitName = 'record';

  private headerParsed = false;
  private littleEndian = true;
  private nanosecondTimestamps = false;
  private linkType = 0;
  private lengthOrder = LengthOrder.AsWritten;
  /** A longer record is corrupt, unless it is within longRecordLimit and the records after it vouch for it. */
  private maxCapturedLength = LIBPCAP_MAX_SNAPLEN;
  /** how the message names maxCapturedLength */
  private limitName = '';
  /** the link type's own maximum; records between the snap length and this are checked, not refused */
  private longRecordLimit = LIBPCAP_MAX_SNAPLEN;
  private maxOriginalLength = ABSURD_ORIGINAL_LENGTH;
  private fractionLimit = MICROS_PER_SECOND;

  private recordsDelivered = 0;
  /** the timestamp (seconds) of the last record delivered, to judge candidates after corruption by */
  private lastSeconds = NO_ANCHOR;
  /** parseRecords stopped at a record longer than maxCapturedLength */
  private stoppedAtLongRecord = false;
  /** file offset of a record over maxCapturedLength that the records after it vouch for */
  private vouchedRecordAt = -1;

  constructor(
    private readonly sink: PacketSink,
    private readonly counters?: AnomalyCounter,
  ) {
    super();
  }

  protected parseUnits(buf: Uint8Array, start: number, end: number): number {
    let offset = start;
    if (!this.headerParsed) {
      if (end - offset < FILE_HEADER_LENGTH) {
        this.pendingUnitLength = FILE_HEADER_LENGTH;
        return offset;
      }
      this.readFileHeader(new DataView(buf.buffer, buf.byteOffset, buf.byteLength), offset);
      offset += FILE_HEADER_LENGTH;
    }
    for (;;) {
      if (this.resync !== null) {
        offset = this.resynchronise(buf, offset, end, false);
        if (this.resync !== null) return offset;
      }
      offset = this.parseRecords(buf, offset, end);
      if (!this.stoppedAtLongRecord) return offset;
      const verdict = this.longRecord(buf, offset, end, false);
      if (verdict === LongRecord.NeedsInput) return offset;
      // the scan starts at the corrupt record's second byte
      if (verdict === LongRecord.Corrupt) offset++;
    }
  }

  protected parseAtEnd(buf: Uint8Array, start: number, end: number): number {
    if (!this.headerParsed) return start;
    let offset = start;
    for (;;) {
      if (this.resync !== null) {
        offset = this.resynchronise(buf, offset, end, true);
        if (this.resync !== null) return end;
      }
      offset = this.parseRecords(buf, offset, end);
      if (this.stoppedAtLongRecord) {
        if (this.longRecord(buf, offset, end, true) === LongRecord.Corrupt) offset++;
        continue;
      }
      if (end - offset < RECORD_HEADER_LENGTH) return offset;
      // The last record claims more bytes than the file has. A capture cut short ends that way,
      // but so does a record whose length is corrupt; then whole records follow it.
      const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      const next = this.findUnit(view, offset + 1, end, true, this.bufferFileOffset + offset + RESYNC_SCAN_LIMIT);
      if (this.scanResult !== ScanResult.Found) return offset;
      this.corrupt(offset, `captured length ${this.capturedLengthAt(view, offset)} runs past the end of the file`);
      offset = next;
    }
  }

  /** The record loop: every complete record in buf[start, end) goes to the sink, with as little work as possible per record. */
  private parseRecords(buf: Uint8Array, start: number, end: number): number {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const littleEndian = this.littleEndian;
    const nanos = this.nanosecondTimestamps;
    const linkType = this.linkType;
    const maxCapturedLength = this.maxCapturedLength;
    const lengthOrder = this.lengthOrder;
    const sink = this.sink;
    let offset = start;
    let delivered = 0;
    let lastSeconds = this.lastSeconds;
    let longRecord = false;
    for (;;) {
      const remaining = end - offset;
      if (remaining < RECORD_HEADER_LENGTH) {
        this.pendingUnitLength = RECORD_HEADER_LENGTH;
        break;
      }
      let capturedLength = view.getUint32(offset + RECORD_CAPTURED_LENGTH, littleEndian);
      let originalLength = view.getUint32(offset + RECORD_ORIGINAL_LENGTH, littleEndian);
      if (lengthOrder !== LengthOrder.AsWritten && lengthsSwapped(lengthOrder, capturedLength, originalLength)) {
        const writtenFirst = capturedLength;
        capturedLength = originalLength;
        originalLength = writtenFirst;
      }
      // Checked before waiting for the body: a garbage length must not make us buffer the rest of the file.
      if (capturedLength > maxCapturedLength && this.bufferFileOffset + offset !== this.vouchedRecordAt) {
        longRecord = true;
        break;
      }
      const recordLength = RECORD_HEADER_LENGTH + capturedLength;
      if (remaining < recordLength) {
        this.pendingUnitLength = recordLength;
        break;
      }
      const seconds = view.getUint32(offset + RECORD_TS_SECONDS, littleEndian);
      const fraction = view.getUint32(offset + RECORD_TS_FRACTION, littleEndian);
      // Bogus timestamps and original lengths occur in fuzzed and hand-edited files; they are passed on, not fatal.
      const tsMicros = seconds * MICROS_PER_SECOND + (nanos ? fraction / NANOS_PER_MICRO : fraction);
      const wireLength = originalLength < capturedLength ? capturedLength : originalLength;
      sink(buf, offset + RECORD_HEADER_LENGTH, capturedLength, wireLength, tsMicros, linkType);
      lastSeconds = seconds;
      delivered++;
      offset += recordLength;
    }
    this.recordsDelivered += delivered;
    this.lastSeconds = lastSeconds;
    this.stoppedAtLongRecord = longRecord;
    return offset;
  }

  /**
   * A record longer than the snap length at buf[offset]. Some writers put a wrong snap length in
   * the header, so one up to the link type's maximum is read after all when the records after it
   * are plausible (parseRecords delivers it next); otherwise its length is corrupt.
   */
  private longRecord(buf: Uint8Array, offset: number, end: number, atEnd: boolean): LongRecord {
    this.stoppedAtLongRecord = false;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const capturedLength = this.capturedLengthAt(view, offset);
    if (capturedLength <= this.longRecordLimit) {
      const verdict = this.recordsFollow(view, offset, end, atEnd, this.longRecordLimit);
      if (verdict > 0) {
        this.pendingUnitLength = verdict;
        return LongRecord.NeedsInput;
      }
      if (verdict === CHAIN_HOLDS) {
        this.vouchedRecordAt = this.bufferFileOffset + offset;
        return LongRecord.Vouched;
      }
    }
    this.corrupt(offset, `captured length ${capturedLength} exceeds ${this.limitName}`);
    return LongRecord.Corrupt;
  }

  private corrupt(offset: number, what: string): void {
    this.counters?.add(Anomaly.capture_record_corrupt);
    this.startResync(offset, `corrupt record at byte ${this.bufferFileOffset + offset} (record ${this.recordsDelivered + 1}): ${what}`);
  }

  protected readonly unitHeaderLength = RECORD_HEADER_LENGTH;

  protected cannotStartAt(view: DataView, at: number): boolean {
    // the captured length alone rules most offsets out (when lengths are where they are written)
    if (this.lengthOrder !== LengthOrder.AsWritten) return false;
    const capturedLength = view.getUint32(at + RECORD_CAPTURED_LENGTH, this.littleEndian);
    return capturedLength === 0 || capturedLength > this.maxCapturedLength;
  }

  protected unitsFollow(view: DataView, at: number, end: number, atEnd: boolean): number {
    return this.recordsFollow(view, at, end, atEnd, this.maxCapturedLength);
  }

  /**
   * Whether a record plausibly starts at `at`: its header and the next are plausible and close
   * in time to each other and to the last record delivered; or, when there is none or the
   * capture jumped in time there, three headers agree.
   */
  private recordsFollow(view: DataView, at: number, end: number, atEnd: boolean, firstLimit: number): number {
    if (this.lastSeconds !== NO_ANCHOR) {
      const anchored = this.plausibleHeaders(view, at, end, atEnd, ANCHORED_CHAIN, this.lastSeconds, firstLimit);
      if (anchored !== CHAIN_BROKEN) return anchored;
    }
    return this.plausibleHeaders(view, at, end, atEnd, UNANCHORED_CHAIN, NO_ANCHOR, firstLimit);
  }

  /**
   * Whether `count` record headers, each where the previous record ends, are plausible from the
   * format alone (1 ≤ captured ≤ limit, captured ≤ original ≤ absurd, a fraction below one second)
   * and each within MAX_RECORD_GAP_SECONDS of the one before (or of `anchor`). A chain that reaches
   * the end of the input after at least one whole record holds. Returns CHAIN_HOLDS, CHAIN_BROKEN
   * or the bytes from `at` it needs to decide.
   */
  private plausibleHeaders(
    view: DataView,
    at: number,
    end: number,
    atEnd: boolean,
    count: number,
    anchor: number,
    firstLimit: number,
  ): number {
    const littleEndian = this.littleEndian;
    let previousSeconds = anchor;
    let position = at;
    for (let link = 0; link < count; link++) {
      const available = end - position;
      if (available < RECORD_HEADER_LENGTH) {
        if (!atEnd) return position + RECORD_HEADER_LENGTH - at;
        return link > 1 || (link === 1 && available >= 0) ? CHAIN_HOLDS : CHAIN_BROKEN;
      }
      const capturedLength = this.capturedLengthAt(view, position);
      if (capturedLength === 0 || capturedLength > (link === 0 ? firstLimit : this.maxCapturedLength)) return CHAIN_BROKEN;
      const writtenCaptured = view.getUint32(position + RECORD_CAPTURED_LENGTH, littleEndian);
      const writtenOriginal = view.getUint32(position + RECORD_ORIGINAL_LENGTH, littleEndian);
      const originalLength = lengthsSwapped(this.lengthOrder, writtenCaptured, writtenOriginal) ? writtenCaptured : writtenOriginal;
      if (originalLength < capturedLength || originalLength > this.maxOriginalLength) return CHAIN_BROKEN;
      if (view.getUint32(position + RECORD_TS_FRACTION, littleEndian) >= this.fractionLimit) return CHAIN_BROKEN;
      const seconds = view.getUint32(position + RECORD_TS_SECONDS, littleEndian);
      if (previousSeconds !== NO_ANCHOR && Math.abs(seconds - previousSeconds) > MAX_RECORD_GAP_SECONDS) return CHAIN_BROKEN;
      previousSeconds = seconds;
      position += RECORD_HEADER_LENGTH + capturedLength;
    }
    return CHAIN_HOLDS;
  }

  private capturedLengthAt(view: DataView, offset: number): number {
    const writtenCaptured = view.getUint32(offset + RECORD_CAPTURED_LENGTH, this.littleEndian);
    const writtenOriginal = view.getUint32(offset + RECORD_ORIGINAL_LENGTH, this.littleEndian);
    return lengthsSwapped(this.lengthOrder, writtenCaptured, writtenOriginal) ? writtenOriginal : writtenCaptured;
  }

  protected describeTruncation(unit: Uint8Array): string {
    if (!this.headerParsed) return `truncated file header: ${unit.length} of ${FILE_HEADER_LENGTH} bytes`;
    if (unit.length < RECORD_HEADER_LENGTH) {
      return `truncated last record header: ${unit.length} of ${RECORD_HEADER_LENGTH} bytes`;
    }
    const capturedLength = this.capturedLengthAt(new DataView(unit.buffer, unit.byteOffset, unit.byteLength), 0);
    return `truncated last record: ${unit.length - RECORD_HEADER_LENGTH} of ${capturedLength} bytes`;
  }

  private readFileHeader(view: DataView, offset: number): void {
    // createCaptureParser only hands us one of the four magics, so whichever byte order makes it
    // read as a known magic is the writer's.
    const magicLittleEndian = view.getUint32(offset + FILE_HEADER_MAGIC, true);
    this.littleEndian = magicLittleEndian === MAGIC_MICROS || magicLittleEndian === MAGIC_NANOS;
    const magic = this.littleEndian ? magicLittleEndian : view.getUint32(offset + FILE_HEADER_MAGIC, false);
    this.nanosecondTimestamps = magic === MAGIC_NANOS;
    this.fractionLimit = this.nanosecondTimestamps ? NANOS_PER_SECOND : MICROS_PER_SECOND;
    const major = view.getUint16(offset + FILE_HEADER_VERSION_MAJOR, this.littleEndian);
    const minor = view.getUint16(offset + FILE_HEADER_VERSION_MINOR, this.littleEndian);
    if (major === 2 && minor < SWAPPED_BEFORE_MINOR_VERSION) this.lengthOrder = LengthOrder.Swapped;
    else if (major === 2 && minor === MIXED_MINOR_VERSION) this.lengthOrder = LengthOrder.SwappedIfCapturedLonger;
    this.linkType = view.getUint32(offset + FILE_HEADER_NETWORK, this.littleEndian) & LINK_TYPE_MASK;
    this.longRecordLimit = LONG_PACKET_LINK_TYPES.get(this.linkType) ?? LIBPCAP_MAX_SNAPLEN;
    this.maxOriginalLength = Math.max(ABSURD_ORIGINAL_LENGTH, this.longRecordLimit);
    const snaplen = view.getUint32(offset + FILE_HEADER_SNAPLEN, this.littleEndian);
    if (snaplen > 0 && snaplen <= this.longRecordLimit) {
      this.maxCapturedLength = snaplen;
      this.limitName = `the snap length ${snaplen}`;
    } else {
      this.maxCapturedLength = this.longRecordLimit;
      this.limitName = `the maximum of ${this.longRecordLimit} (the file's snap length is ${snaplen})`;
    }
    this.linkTypes.push(this.linkType);
    this.headerParsed = true;
  }
}
