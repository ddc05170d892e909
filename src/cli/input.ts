import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

// Capture inputs: files, read synchronously in large chunks into one reused buffer (the parsers
// copy the rare record that spans two chunks), or standard input ('-') as a stream. A gzip-compressed
// input (told by its first bytes, whatever its name) is decompressed on the way in; Node has no
// decoder for xz, zstd or bzip2, so those are refused with the command that decompresses them.

export const CHUNK_BYTES = 4 << 20;

export class InputError extends Error {}

export interface CaptureInput {
  /** what records and messages call it: the file's base name, or '-' */
  name: string;
  /** the path as the user gave it */
  path: string;
  /** total bytes when known (files), 0 otherwise */
  size: number;
  chunks(): Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
  /** bytes of the input read so far: of the file itself when it is compressed, so at most `size` */
  readonly bytesRead: number;
}

const GZIP_MAGIC = [0x1f, 0x8b];
/** what gunzip hands on at a time: large, because each chunk costs a round through the analysis (and a ring slot per worker) */
const GUNZIP_CHUNK_BYTES = 1 << 20;

interface Compression {
  name: string;
  magic: number[];
  /** decompresses to standard output */
  toStdout: string;
  /** decompresses FILE.suffix into FILE, keeping FILE.suffix */
  inPlace: string;
  suffixes: string[];
}

const UNREADABLE_COMPRESSIONS: Compression[] = [
  { name: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], toStdout: 'xz -dc', inPlace: 'xz -dk', suffixes: ['.xz'] },
  { name: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd], toStdout: 'zstd -dc', inPlace: 'zstd -d', suffixes: ['.zst', '.zstd'] },
  { name: 'bzip2', magic: [0x42, 0x5a, 0x68], toStdout: 'bzip2 -dc', inPlace: 'bzip2 -dk', suffixes: ['.bz2'] },
];
const SNIFF_BYTES = Math.max(...UNREADABLE_COMPRESSIONS.map((c) => c.magic.length));

const startsWith = (bytes: Uint8Array, magic: number[]): boolean => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);

export function openInput(path: string): CaptureInput {
  if (path === '-') return standardInput();
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new InputError(`cannot open '${path}': ${reason(e)}`);
  }
  const st = fstatSync(fd);
  if (st.isDirectory()) {
    closeSync(fd);
    throw new InputError(`'${path}' is a directory, not a capture file (give the .pcap/.pcapng files in it)`);
  }
  // a pipe (sonde analyze <(…)) cannot be read twice: its first bytes go to the parser unlooked at
  let head: Uint8Array = new Uint8Array(0);
  try {
    if (st.isFile()) head = readHead(fd);
  } catch (e) {
    closeSync(fd);
    throw new InputError(`cannot read '${path}': ${reason(e)}`);
  }
  const unreadable = UNREADABLE_COMPRESSIONS.find((c) => startsWith(head, c.magic));
  if (unreadable) {
    closeSync(fd);
    throw new InputError(compressedFileMessage(path, unreadable));
  }
  const gzip = startsWith(head, GZIP_MAGIC);
  const input = {
    name: basename(path),
    path,
    size: st.size,
    bytesRead: 0,
    chunks: (): Iterable<Uint8Array> | AsyncIterable<Uint8Array> => {
      if (!gzip) return fileChunks(fd, path, (n) => (input.bytesRead += n));
      const file = createReadStream(path, { fd, highWaterMark: GUNZIP_CHUNK_BYTES });
      return gunzipped(file, path, () => (input.bytesRead = file.bytesRead));
    },
  };
  return input;
}

function readHead(fd: number): Uint8Array {
  const head = new Uint8Array(SNIFF_BYTES);
  // at position 0, which leaves the file position where the reads that follow start
  const n = readSync(fd, head, 0, head.length, 0);
  return head.subarray(0, n);
}

function* fileChunks(fd: number, path: string, onRead: (bytes: number) => void): Generator<Uint8Array> {
  const buf = new Uint8Array(CHUNK_BYTES);
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        throw new InputError(`cannot read '${path}': ${reason(e)}`);
      }
      if (n === 0) return;
      onRead(n);
      yield n === buf.length ? buf : buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

function standardInput(): CaptureInput {
  const input = { name: '-', path: '-', size: 0, bytesRead: 0, chunks: () => standardInputChunks((n) => (input.bytesRead += n)) };
  return input;
}

async function* standardInputChunks(onRead: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  const stdin = (process.stdin as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const raw = async function* (): AsyncGenerator<Uint8Array> {
    for (;;) {
      const next = await stdin.next();
      if (next.done) return;
      onRead(next.value.length);
      yield next.value;
    }
  };
  // a pipe may deliver the first bytes one at a time: gather enough to tell a compression
  const first: Uint8Array[] = [];
  let firstLength = 0;
  const source = raw();
  while (firstLength < SNIFF_BYTES) {
    const next = await source.next();
    if (next.done) break;
    first.push(next.value);
    firstLength += next.value.length;
  }
  const head = Buffer.concat(first);
  const unreadable = UNREADABLE_COMPRESSIONS.find((c) => startsWith(head, c.magic));
  if (unreadable) {
    throw new InputError(`-: standard input is compressed with ${unreadable.name}: decompress it on the way in: ${unreadable.toStdout} FILE | sonde analyze -`);
  }
  const all = async function* (): AsyncGenerator<Uint8Array> {
    if (head.length > 0) yield head;
    yield* source;
  };
  if (startsWith(head, GZIP_MAGIC)) yield* gunzipped(Readable.from(all(), { objectMode: false }), '-', () => undefined);
  else yield* all();
}

/** `compressed` decompressed, as it comes; a damaged or cut gzip stream ends it with an InputError, after what it did decompress. */
async function* gunzipped(compressed: Readable, path: string, onChunk: () => void): AsyncGenerator<Uint8Array> {
  const decompressed = pipeline(compressed, createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }), () => undefined);
  try {
    for await (const chunk of decompressed as AsyncIterable<Uint8Array>) {
      onChunk();
      yield chunk;
    }
  } catch (e) {
    throw new InputError(gzipErrorMessage(path, e));
  } finally {
    decompressed.destroy();
  }
}

function gzipErrorMessage(path: string, e: unknown): string {
  const error = e as NodeJS.ErrnoException;
  switch (error.code) {
    case 'Z_BUF_ERROR':
      return `${path}: the gzip stream ends early (${error.message}): the file is cut short; the packets before the cut were analysed`;
    case 'Z_DATA_ERROR':
      return `${path}: the gzip stream is corrupt (${error.message}); the packets before the damage were analysed`;
    default:
      return `cannot read '${path}': ${reason(e)}`;
  }
}

function compressedFileMessage(path: string, compression: Compression): string {
  const file = shellQuoted(path);
  const pipe = `${compression.toStdout} ${file} | sonde analyze -`;
  if (compression.suffixes.some((s) => path.endsWith(s) && path.length > s.length)) {
    return `${path}: compressed with ${compression.name}: decompress it first (${compression.inPlace} ${file}) or pipe it: ${pipe}`;
  }
  return `${path}: compressed with ${compression.name}: pipe it through ${compression.name}: ${pipe}`;
}

/** `path` as it can be pasted into a shell command. */
function shellQuoted(path: string): string {
  return /^[\w./+,:@%=-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'no such file (check the path)';
    case 'EACCES': return 'permission denied (check the file permissions)';
    case 'EISDIR': return 'it is a directory';
    default: return (e as Error).message;
  }
}
