import { closeSync, openSync, writeSync } from 'node:fs';

// Buffered synchronous line output to a file or standard output. A closed pipe (`| head`) ends
// writing quietly instead of crashing the run.

const FLUSH_AT = 1 << 20;

export class LineWriter {
  private parts: string[] = [];
  private pending = 0;
  closed = false;

  private constructor(private readonly fd: number, private readonly ownsFd: boolean, private readonly flushAt: number) {}

  /** `flushAt`: bytes buffered before a write (default 1 MB) */
  static toFile(path: string, flushAt = FLUSH_AT): LineWriter {
    return new LineWriter(openSync(path, 'w'), true, flushAt);
  }

  static toStdout(flushAt = FLUSH_AT): LineWriter {
    return new LineWriter(1, false, flushAt);
  }

  write(line: string): void {
    if (this.closed) return;
    this.parts.push(line);
    this.pending += line.length;
    if (this.pending >= this.flushAt) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0 || this.closed) return;
    const data = Buffer.from(this.parts.join(''));
    this.parts = [];
    this.pending = 0;
    let off = 0;
    while (off < data.length) {
      try {
        off += writeSync(this.fd, data, off, data.length - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
          continue;
        }
        if (code === 'EPIPE') {
          this.closed = true;
          return;
        }
        throw e;
      }
    }
  }

  close(): void {
    this.flush();
    if (this.ownsFd) closeSync(this.fd);
  }
}
