import { latin1 } from '../../helpers/text.js';
// HTTP/1.x message heads (RFC 9112 §2–§5): a start line, header field lines, an empty line.
// Pure functions over bytes. Only the head is read; bodies are never looked at here.

/** the longest head we read (the engine keeps at most 8 KiB of a direction's stream anyway) */
export const MAX_HEAD = 8192;
const MAX_METHOD = 24;

export interface RequestLine {
  kind: 'request';
  method: string;
  /** request-target as sent (origin-form, absolute-form, authority-form or '*') */
  target: string;
  /** "1.1", "1.0", "2.0" …; null when a registered method's version is damaged ("HTTP/d.1") */
  version: string | null;
}

export interface StatusLine {
  kind: 'response';
  version: string;
  status: number;
}

export interface MessageHead {
  start: RequestLine | StatusLine;
  /** header fields read so far, names lower-cased, values trimmed; repeated names kept in order */
  headers: [string, string][];
  /** the empty line ending the head was seen */
  complete: boolean;
  /** offset just past the head (the empty line), when complete */
  end: number;
}

const isUpper = (c: number): boolean => c >= 0x41 && c <= 0x5a;

/** the Latin-1 bytes String.prototype.trim removes: TAB, LF, VT, FF, CR, space, no-break space */
const isTrimmed = (c: number): boolean => (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0xa0;

/** latin1(data, from, to).trim(), without the untrimmed string */
function trimmedText(data: Uint8Array, from: number, to: number): string {
  while (from < to && isTrimmed(data[from]!)) from++;
  while (to > from && isTrimmed(data[to - 1]!)) to--;
  return latin1(data, from, to);
}

/**
 * Could `data[off..off+len)` be the start of an HTTP/1.x message? Checks only what is there:
 * a method token (upper-case letters, '-' and '_') followed by a space, or "HTTP/". Allocation-free.
 */
export function looksLikeStart(data: Uint8Array, off: number, len: number): boolean {
  if (len <= 0) return false;
  const n = Math.min(len, 5);
  const H = [0x48, 0x54, 0x54, 0x50, 0x2f]; // "HTTP/"
  let http = true;
  for (let i = 0; i < n; i++) if (data[off + i] !== H[i]) http = false;
  if (http) return true;
  const end = off + Math.min(len, MAX_METHOD + 1);
  for (let i = off; i < end; i++) {
    const c = data[i]!;
    if (c === 0x20) return i > off;
    if (!isUpper(c) && c !== 0x2d && c !== 0x5f) return false;
  }
  return len <= MAX_METHOD;
}

/** the methods of RFC 9110 §9 */
const REGISTERED_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE']);

/** HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3); returns "x.y" or null */
function version(s: string): string | null {
  return /^HTTP\/\d\.\d$/.test(s) ? s.slice(5) : null;
}

/** A start line (without its line ending): request line, status line, or null. */
export function parseStartLine(line: string): RequestLine | StatusLine | null {
  if (line.startsWith('HTTP/')) {
    // status-line = HTTP-version SP status-code SP [ reason-phrase ]
    const m = /^HTTP\/(\d\.\d) (\d{3})(?: |$)/.exec(line);
    if (!m) return null;
    return { kind: 'response', version: m[1]!, status: Number(m[2]) };
  }
  // request-line = method SP request-target SP HTTP-version; targets with stray spaces (seen in
  // attacks) are kept whole: the method ends at the first space, the version follows the last
  const sp1 = line.indexOf(' ');
  const sp2 = line.lastIndexOf(' ');
  if (sp1 <= 0 || sp1 > MAX_METHOD || sp2 <= sp1 + 1) return null;
  const method = line.slice(0, sp1);
  for (let i = 0; i < method.length; i++) {
    const c = method.charCodeAt(i);
    if (!isUpper(c) && c !== 0x2d && c !== 0x5f) return null;
  }
  const last = line.slice(sp2 + 1);
  const v = version(last);
  // a damaged version after a registered method is still an HTTP request (fuzzers, broken clients)
  if (v === null && !(last.startsWith('HTTP/') && last.length <= 9 && REGISTERED_METHODS.has(method))) return null;
  const target = line.slice(sp1 + 1, sp2);
  for (let i = 0; i < target.length; i++) if (target.charCodeAt(i) < 0x20 || target.charCodeAt(i) === 0x7f) return null;
  return { kind: 'request', method, target, version: v };
}

/**
 * Reads a message head from `data[off..off+len)`: undefined while the start line is incomplete,
 * null when this is not an HTTP/1.x message, else the head with the header lines complete so far.
 */
export function parseHead(data: Uint8Array, off: number, len: number): MessageHead | null | undefined {
  if (!looksLikeStart(data, off, len)) return null;
  const stop = off + Math.min(len, MAX_HEAD);
  // start line
  let eol = -1;
  for (let i = off; i < stop; i++) {
    if (data[i] === 0x0a) {
      eol = i;
      break;
    }
  }
  if (eol < 0) return len >= MAX_HEAD ? null : undefined;
  const lineEnd = eol > off && data[eol - 1] === 0x0d ? eol - 1 : eol;
  const start = parseStartLine(latin1(data, off, lineEnd));
  if (start === null) return null;
  const head: MessageHead = { start, headers: [], complete: false, end: -1 };
  // field lines, until the empty line
  let p = eol + 1;
  while (p < stop) {
    let e = -1;
    for (let i = p; i < stop; i++) {
      if (data[i] === 0x0a) {
        e = i;
        break;
      }
    }
    if (e < 0) break; // line not complete yet
    const le = e > p && data[e - 1] === 0x0d ? e - 1 : e;
    if (le === p) {
      head.complete = true;
      head.end = e + 1;
      break;
    }
    const first = data[p]!;
    if ((first === 0x20 || first === 0x09) && head.headers.length > 0) {
      // obsolete line folding (RFC 9112 §5.2): a continuation of the previous value
      const last = head.headers[head.headers.length - 1]!;
      last[1] = `${last[1]} ${latin1(data, p, le).trim()}`.trim();
    } else {
      // name and value cut and trimmed on the bytes: a string for each, not for the whole line too
      let colon = -1;
      for (let i = p; i < le; i++) {
        if (data[i] === 0x3a) {
          colon = i;
          break;
        }
      }
      if (colon > p) head.headers.push([trimmedText(data, p, colon).toLowerCase(), trimmedText(data, colon + 1, le)]);
    }
    p = e + 1;
  }
  return head;
}

/** the first value of a header, or undefined */
export function header(head: MessageHead, name: string): string | undefined {
  for (const [n, v] of head.headers) if (n === name) return v;
  return undefined;
}

/** The host part of a Host header or authority: lower-cased, without port or IPv6 brackets. */
export function hostOnly(authority: string): string {
  let h = authority.trim().toLowerCase();
  const ws = h.search(/[\s\x00-\x1f\x7f]/);
  if (ws >= 0) h = h.slice(0, ws);
  const at = h.lastIndexOf('@');
  if (at >= 0) h = h.slice(at + 1);
  if (h.startsWith('[')) {
    const close = h.indexOf(']');
    return close > 0 ? h.slice(1, close) : h.slice(1);
  }
  const colon = h.indexOf(':');
  if (colon >= 0 && h.indexOf(':', colon + 1) < 0) h = h.slice(0, colon);
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/** An IPv4 dotted quad or an IPv6 literal (as hostOnly returns it). */
export function isNumericHost(h: string): boolean {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(h)) return h.split('.').every((x) => Number(x) <= 255);
  return h.includes(':') && /^[0-9a-f:.]+$/.test(h);
}

export interface SplitTarget {
  /** the path without query or fragment */
  path: string;
  /** the query string (examined for risks, never stored) */
  query: string;
  /** the authority of an absolute-form target (proxy request), else undefined */
  authority?: string;
}

/** Splits a request target (RFC 9112 §3.2) into path, query and, for absolute-form, authority. */
export function splitTarget(target: string): SplitTarget {
  let rest = target;
  let authority: string | undefined;
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.exec(rest);
  if (scheme) {
    rest = rest.slice(scheme[0].length);
    const slash = rest.search(/[/?#]/);
    authority = slash < 0 ? rest : rest.slice(0, slash);
    rest = slash < 0 ? '/' : rest.slice(slash);
    if (rest.startsWith('?')) rest = `/${rest}`;
  }
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const out: SplitTarget = q < 0 ? { path: rest, query: '' } : { path: rest.slice(0, q), query: rest.slice(q + 1) };
  if (authority !== undefined) out.authority = authority;
  return out;
}
