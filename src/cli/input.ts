import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';

// Capture inputs: files, read synchronously in large chunks into one reused buffer (the parsers
// copy the rare record that spans two chunks), or standard input ('-') as a stream.

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
}

export function openInput(path: string): CaptureInput {
  if (path === '-') return { name: '-', path, size: 0, chunks: () => process.stdin as AsyncIterable<Uint8Array> };
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
  return { name: basename(path), path, size: st.size, chunks: () => fileChunks(fd, path) };
}

function* fileChunks(fd: number, path: string): Generator<Uint8Array> {
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
      yield n === buf.length ? buf : buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
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
