/** Max identification line length (RFC 4253: 255 including CR LF). */
const MAX_LINE = 255;

/**
 * The "SSH-…" line at the start of a stream: the line (without CR LF), undefined while it is not
 * complete, null when the bytes are not an SSH identification line.
 */
export function readBanner(data: Uint8Array, off: number, len: number): string | null | undefined {
  const end = off + Math.min(len, MAX_LINE);
  for (let i = off; i < end; i++) {
    const c = data[i]!;
    if (c === 0x0a) {
      let stop = i;
      if (stop > off && data[stop - 1] === 0x0d) stop--;
      const line = String.fromCharCode(...data.subarray(off, stop));
      return /^SSH-\d+\.\d+-[\x21-\x7e]+/.test(line) ? line : null;
    }
    if (c < 0x20 && c !== 0x0d) return null;
  }
  return len >= MAX_LINE ? null : undefined;
}
