import { latin1 } from '../../helpers/text.js';

// What an FTP data connection carries (RFC 959 §3.2-3.4): a file, sent as it is (stream mode), or
// the answer to LIST, NLST, MLSD. LIST's format is not specified by RFC 959, but servers send one
// of two: the Unix `ls -l` line, or the DOS/IIS line; MLSD (RFC 3659 §7) sends "fact=value;…"
// facts, a space and the name. NLST (bare names) is not recognisable and is not tried.

export type DataContent = 'listing' | 'mlsd' | 'file';

/** `ls -l`: type, nine permission characters, an optional ACL/xattr mark, blanks, the link count */
const UNIX_LINE = /^[-dlbcps][-rwxsStTlL]{9}[+.@]?\s+\d+\s+\S/;
/** DOS/IIS: date, time with AM/PM, <DIR> or a size, then the name */
const DOS_LINE = /^\d\d-\d\d-\d\d(\d\d)?\s+\d\d:\d\d[AP]M\s+(<DIR>|\d+)\s+\S/;
/** RFC 3659 facts: one or more "fact=value;", a space, the name */
const MLSD_LINE = /^([A-Za-z][A-Za-z0-9.-]*=[^;\s]*;)+ \S/;
const MLSD_FACT = /(^|;)(type|size|modify|perm|unique|create|lang|media-type|charset)=/i;
const TOTAL_LINE = /^total \d+\r?\n/;

/** the first line(s) of the stream as an FTP directory listing, or null */
export function listingKind(d: Uint8Array, off: number, len: number): 'listing' | 'mlsd' | null {
  let text = latin1(d, off, off + Math.min(len, 256));
  const total = TOTAL_LINE.exec(text);
  if (total) text = text.slice(total[0].length);
  if (UNIX_LINE.test(text) || DOS_LINE.test(text)) return 'listing';
  if (total === null && MLSD_LINE.test(text) && MLSD_FACT.test(text)) return 'mlsd';
  return null;
}

/** formats whose first bytes say what the file is; [name, offset, magic] */
const MAGICS: readonly (readonly [string, number, readonly number[]])[] = [
  ['zip', 0, [0x50, 0x4b, 0x03, 0x04]],
  ['pdf', 0, [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['png', 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['gif', 0, [0x47, 0x49, 0x46, 0x38, 0x37, 0x61]],
  ['gif', 0, [0x47, 0x49, 0x46, 0x38, 0x39, 0x61]],
  ['jpeg', 0, [0xff, 0xd8, 0xff]],
  ['gzip', 0, [0x1f, 0x8b, 0x08]],
  ['xz', 0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['7z', 0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['rar', 0, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]],
  ['elf', 0, [0x7f, 0x45, 0x4c, 0x46]],
  ['ole', 0, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]],
  ['ogg', 0, [0x4f, 0x67, 0x67, 0x53, 0x00]],
  ['mp3', 0, [0x49, 0x44, 0x33]],
  ['mp4', 4, [0x66, 0x74, 0x79, 0x70]],
  ['tar', 257, [0x75, 0x73, 0x74, 0x61, 0x72]],
];

/** bytes a magic needs before it can be decided */
export const MAGIC_BYTES = 262;

/** the file format the stream starts with, null if none, undefined if more bytes are needed */
export function fileFormat(d: Uint8Array, off: number, len: number): string | null | undefined {
  let short = false;
  for (const [name, at, magic] of MAGICS) {
    if (len < at + magic.length) {
      short = true;
      continue;
    }
    let k = 0;
    while (k < magic.length && d[off + at + k] === magic[k]) k++;
    if (k === magic.length) return name;
  }
  // bzip2: "BZh" and a block size digit 1-9
  if (len >= 4 && d[off] === 0x42 && d[off + 1] === 0x5a && d[off + 2] === 0x68 && d[off + 3]! >= 0x31 && d[off + 3]! <= 0x39) return 'bzip2';
  return short ? undefined : null;
}

const PERMISSION = new Uint8Array(256);
for (const c of '-rwxsStTlL') PERMISSION[c.charCodeAt(0)] = 1;
const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;

/** the probe's cheap, allocation-free test: could the stream start with a listing or a known file? */
export function mayBeData(d: Uint8Array, off: number, len: number): boolean {
  const b = d[off]!;
  // ls -l: a type character then nine permission characters
  if (len >= 11 && (b === 0x2d || b === 0x64 || b === 0x6c || b === 0x62 || b === 0x63 || b === 0x70 || b === 0x73)) {
    let k = 1;
    while (k < 10 && PERMISSION[d[off + k]!] === 1) k++;
    if (k === 10) return true;
  }
  // "total N"
  if (len >= 8 && b === 0x74 && d[off + 1] === 0x6f && d[off + 2] === 0x74 && d[off + 3] === 0x61 && d[off + 4] === 0x6c && d[off + 5] === 0x20 && isDigit(d[off + 6])) return true;
  // DOS: dd-dd-dd
  if (len >= 8 && isDigit(b) && isDigit(d[off + 1]) && d[off + 2] === 0x2d && isDigit(d[off + 3]) && isDigit(d[off + 4]) && d[off + 5] === 0x2d) return true;
  // MLSD: a fact name and '=' within the first 16 bytes
  if (len >= 6 && ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a)) {
    for (let k = 1; k < Math.min(len, 16); k++) {
      const c = d[off + k]!;
      if (c === 0x3d) return true;
      if (!((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) && !isDigit(c) && c !== 0x2e && c !== 0x2d) break;
    }
  }
  return fileFormat(d, off, len) !== null;
}
