// Small helpers for dissectors of line-oriented and binary protocols (shared by many folders
// under dpi/protocols/; kept here because the registry loads every protocol folder).

// Node's own Latin-1 decoder (what buffer.toString('latin1') calls), applied to any Uint8Array:
// one native call and one string, where building text a character at a time allocates a string
// per character (12 times slower for a 40-byte line)
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }).latin1Slice;

/** data[start..end) as Latin-1 text, one character per byte (clamped to the data) */
export function latin1(data: Uint8Array, start: number, end: number): string {
  const to = Math.min(end, data.length);
  return start >= to ? '' : latin1Slice.call(data, start, to);
}

/** Do the bytes at data[off..off+len) start with the ASCII string `s`? (case-sensitive) */
export function startsWithAscii(data: Uint8Array, off: number, len: number, s: string): boolean {
  if (len < s.length) return false;
  for (let i = 0; i < s.length; i++) if (data[off + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** Same, ignoring ASCII letter case. */
export function startsWithAsciiCI(data: Uint8Array, off: number, len: number, s: string): boolean {
  if (len < s.length) return false;
  for (let i = 0; i < s.length; i++) {
    let c = data[off + i]!;
    if (c >= 0x61 && c <= 0x7a) c -= 0x20;
    let e = s.charCodeAt(i);
    if (e >= 0x61 && e <= 0x7a) e -= 0x20;
    if (c !== e) return false;
  }
  return true;
}

/** Is the prefix of at most `n` bytes printable ASCII (or CR, LF, TAB)? */
export function isPrintablePrefix(data: Uint8Array, off: number, len: number, n: number): boolean {
  const end = off + Math.min(len, n);
  for (let i = off; i < end; i++) {
    const c = data[i]!;
    if ((c < 0x20 && c !== 0x0d && c !== 0x0a && c !== 0x09) || c > 0x7e) return false;
  }
  return true;
}

export interface Line {
  /** the line without CR LF, as Latin-1 text */
  text: string;
  /** offset (relative to `off`) of the byte after the line feed */
  next: number;
}

/**
 * The line starting at relative position `pos` of data[off..off+len): undefined when it is not
 * complete yet, null when it holds control bytes or is longer than `max`.
 */
export function readLine(data: Uint8Array, off: number, len: number, pos: number, max = 1024): Line | null | undefined {
  const end = off + len;
  const limit = Math.min(end, off + pos + max + 2);
  for (let i = off + pos; i < limit; i++) {
    const c = data[i]!;
    if (c === 0x0a) {
      let stop = i;
      if (stop > off + pos && data[stop - 1] === 0x0d) stop--;
      return { text: latin1(data, off + pos, stop), next: i + 1 - off };
    }
    if ((c < 0x20 && c !== 0x0d && c !== 0x09) || c === 0x7f) return null;
  }
  return limit < end || end - (off + pos) > max + 1 ? null : undefined;
}

/**
 * A DNS host name (RFC 1123 labels: letters, digits, inner hyphens, up to 63 each), not an
 * address literal. `dotted`: at least two labels (a domain rather than a bare machine name).
 */
export function isHostName(s: string, dotted = false): boolean {
  return s.length <= 253 && (dotted ? DOTTED_HOST : HOST).test(s) && !/^[\d.]+$/.test(s);
}
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const DOTTED_HOST = new RegExp(`^${LABEL}(?:\\.${LABEL})+$`);

export function u16be(d: Uint8Array, i: number): number {
  return (d[i]! << 8) | d[i + 1]!;
}
export function u32be(d: Uint8Array, i: number): number {
  return ((d[i]! << 24) >>> 0) + ((d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!);
}
export function u16le(d: Uint8Array, i: number): number {
  return d[i]! | (d[i + 1]! << 8);
}
export function u32le(d: Uint8Array, i: number): number {
  return (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16)) + ((d[i + 3]! << 24) >>> 0);
}
