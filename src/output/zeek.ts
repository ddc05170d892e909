import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import {
  formatZeekValue, zeekCloseLine, zeekHeader, zeekJsonLine, zeekJsonObject, zeekTsvLine, type ZeekScalar,
} from './zeek/format.js';
import { ZEEK_LOG_NAMES, ZEEK_LOGS, zeekUid, type FlowRecord, type UidFunction, type ZeekLogName } from './zeek/logs.js';

// Zeek-style logs from sonde's flow records: conn.log for every flow, dns/http/ssl/ssh.log for
// flows whose dissector filled that protocol's object; TSV as Zeek's ASCII writer writes it, or
// its JSON variant. Row functions are pure; writeZeekLogs streams records to files.

export {
  escapeZeekString, formatZeekValue, jsonZeekValue, zeekCloseLine, zeekHeader, zeekJsonLine, zeekTimestamp, zeekTsvLine,
  type ZeekField, type ZeekScalar, type ZeekType, type ZeekValue,
} from './zeek/format.js';
export { ZEEK_LOG_NAMES, ZEEK_LOGS, zeekUid, type FlowRecord, type UidFunction, type ZeekLogName, type ZeekLogSpec } from './zeek/logs.js';

/** A record's row in one log as TSV cells (escaped, in field order), or null when it has none. */
export function zeekRow(log: ZeekLogName, record: FlowRecord, uid?: UidFunction): string[] | null {
  const spec = ZEEK_LOGS[log];
  const values = spec.values(record, uid);
  return values === null ? null : spec.fields.map((f, i) => formatZeekValue(f.type, values[i]));
}

export const connRow = (record: FlowRecord, uid?: UidFunction): string[] | null => zeekRow('conn', record, uid);
export const dnsRow = (record: FlowRecord, uid?: UidFunction): string[] | null => zeekRow('dns', record, uid);
export const httpRow = (record: FlowRecord, uid?: UidFunction): string[] | null => zeekRow('http', record, uid);
export const sslRow = (record: FlowRecord, uid?: UidFunction): string[] | null => zeekRow('ssl', record, uid);
export const sshRow = (record: FlowRecord, uid?: UidFunction): string[] | null => zeekRow('ssh', record, uid);

/** A record's row in one log as a Zeek JSON object (unset fields left out), or null. */
export function zeekJson(log: ZeekLogName, record: FlowRecord, uid?: UidFunction): Record<string, ZeekScalar | ZeekScalar[]> | null {
  const spec = ZEEK_LOGS[log];
  const values = spec.values(record, uid);
  return values === null ? null : zeekJsonObject(spec.fields, values);
}

export interface ZeekWriteOptions {
  /** Zeek's JSON variant (LogAscii::use_json) instead of TSV */
  json: boolean;
  /** the #open stamp of TSV logs (default: now) */
  openTime?: Date;
  /** the #close stamp of TSV logs (default: when the log is closed) */
  closeTime?: Date;
  /** uid of a record (default: zeekUid, stable and shared by the logs of one flow) */
  uid?: UidFunction;
}

export type ZeekLogCounts = Record<ZeekLogName, number>;

const FLUSH_AT = 1 << 16;

/** One log file, opened on its first row (conn.log at the start): Zeek writes no empty logs. */
class LogFile {
  private handle: FileHandle | null = null;
  private parts: string[] = [];
  private pending = 0;
  rows = 0;

  constructor(private readonly path: string, private readonly preamble: string) {}

  async open(): Promise<void> {
    this.handle = await open(this.path, 'w');
    this.add(this.preamble);
  }

  get isOpen(): boolean {
    return this.handle !== null;
  }

  /** Buffers a row; true when the buffer is due to be flushed. */
  row(line: string): boolean {
    this.add(`${line}\n`);
    this.rows++;
    return this.pending >= FLUSH_AT;
  }

  private add(text: string): void {
    if (text === '') return;
    this.parts.push(text);
    this.pending += text.length;
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0 || this.handle === null) return;
    const data = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.pending = 0;
    for (let off = 0; off < data.length;) off += (await this.handle.write(data, off, data.length - off)).bytesWritten;
  }

  async close(trailer: string): Promise<void> {
    if (this.handle === null) return;
    this.add(trailer);
    try {
      await this.flush();
    } finally {
      await this.handle.close();
      this.handle = null;
    }
  }

  /** on failure: release the file without writing more */
  async abandon(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = null;
  }
}

/**
 * Writes `dir`/conn.log (always) and dns/http/ssl/ssh.log (when they have rows) from flow records,
 * read one at a time, so a capture of any size streams through. Returns the rows per log.
 */
export async function writeZeekLogs(
  records: Iterable<FlowRecord> | AsyncIterable<FlowRecord>,
  dir: string,
  options: ZeekWriteOptions,
): Promise<ZeekLogCounts> {
  await mkdir(dir, { recursive: true });
  const openTime = options.openTime ?? new Date();
  const uidOf = options.uid ?? zeekUid;
  const files = new Map<ZeekLogName, LogFile>();
  for (const log of ZEEK_LOG_NAMES) {
    const spec = ZEEK_LOGS[log];
    files.set(log, new LogFile(join(dir, `${log}.log`), options.json ? '' : zeekHeader(log, spec.fields, openTime)));
  }
  try {
    await files.get('conn')!.open();
    for await (const record of records) {
      let uid: string | undefined;
      const once = (r: FlowRecord): string => (uid ??= uidOf(r)); // one hash per record, not per log
      for (const log of ZEEK_LOG_NAMES) {
        const spec = ZEEK_LOGS[log];
        const values = spec.values(record, once);
        if (values === null) continue;
        const file = files.get(log)!;
        if (!file.isOpen) await file.open();
        // awaiting only to flush keeps the per-row cost to building the line
        if (file.row(options.json ? zeekJsonLine(spec.fields, values) : zeekTsvLine(spec.fields, values))) await file.flush();
      }
    }
    for (const file of files.values()) await file.close(options.json ? '' : zeekCloseLine(options.closeTime ?? new Date()));
  } catch (e) {
    await Promise.all([...files.values()].map((f) => f.abandon()));
    throw e;
  }
  const counts = {} as ZeekLogCounts;
  for (const log of ZEEK_LOG_NAMES) counts[log] = files.get(log)!.rows;
  return counts;
}
