import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// FastCGI (the FastCGI Specification, Open Market 1996, §3.3 and §5.1): records start with an
// 8-byte header — version 1, type (1 BEGIN_REQUEST … 11 UNKNOWN_TYPE), request id (16 bits),
// content length (16), padding length (8), a reserved byte. The web server opens a request
// with FCGI_BEGIN_REQUEST (type 1): request id ≥ 1, an 8-byte body holding the role (1
// RESPONDER, 2 AUTHORIZER, 3 FILTER), flags and 5 reserved bytes; or asks FCGI_GET_VALUES
// (type 9) on request id 0. FCGI_PARAMS records (type 4) then carry name-value pairs (§3.4:
// each length one byte, or four with the top bit set); the HTTP_HOST parameter is the flow's host
// name. No other parameter and no body is output.

interface State {
  named: boolean;
}

/** HTTP_HOST from the FCGI_PARAMS records within d[off..off+len) (pairs split across records are skipped) */
export function fcgiHttpHost(d: Uint8Array, off: number, len: number): string | null {
  const end = off + len;
  let r = off;
  while (r + 8 <= end) {
    const type = d[r + 1]!;
    const clen = u16be(d, r + 4);
    const body = r + 8;
    const bodyEnd = Math.min(end, body + clen);
    if (type === 4) {
      let p = body;
      while (p < bodyEnd) {
        const nl = pairLength(d, p, bodyEnd);
        if (nl === null) break;
        const vl = pairLength(d, nl.next, bodyEnd);
        if (vl === null) break;
        const name = vl.next;
        const value = name + nl.n;
        if (value + vl.n > bodyEnd) break;
        if (nl.n === 9 && asciiIs(d, name, 'HTTP_HOST')) {
          let host = '';
          for (let i = value; i < value + vl.n; i++) {
            const c = d[i]!;
            if (c <= 0x20 || c > 0x7e) return null;
            host += String.fromCharCode(c);
          }
          return host.length > 0 ? host : null;
        }
        p = value + vl.n;
      }
    }
    r = body + clen + d[r + 6]!;
  }
  return null;
}

function pairLength(d: Uint8Array, p: number, end: number): { n: number; next: number } | null {
  if (p >= end) return null;
  if (d[p]! < 0x80) return { n: d[p]!, next: p + 1 };
  if (p + 4 > end) return null;
  return { n: ((d[p]! & 0x7f) << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!, next: p + 4 };
}

function asciiIs(d: Uint8Array, at: number, s: string): boolean {
  for (let i = 0; i < s.length; i++) if (d[at + i] !== s.charCodeAt(i)) return false;
  return true;
}

const ROLES = ['', 'responder', 'authorizer', 'filter'];

/** the role the first record opens, 'get_values', null when not FastCGI, undefined: too short */
export function fcgiFirst(d: Uint8Array, off: number, len: number): string | null | undefined {
  if (len < 1) return undefined;
  if (d[off] !== 1) return null;
  if (len < 8) return undefined;
  const type = d[off + 1]!;
  const id = u16be(d, off + 2);
  const clen = u16be(d, off + 4);
  const pad = d[off + 6]!;
  if (type === 9) return id === 0 && pad < 8 ? 'get_values' : null;
  if (type !== 1 || id === 0 || clen !== 8 || pad > 7) return null;
  if (len < 16) return undefined;
  const role = u16be(d, off + 8);
  if (role < 1 || role > 3 || (d[off + 9 + 1]! & 0xfe) !== 0) return null;
  for (let i = off + 11; i < off + 16; i++) if (d[i] !== 0) return null;
  // when another record follows, its header must be a FastCGI one of the same request
  const next = off + 16 + pad;
  if (next + 4 <= off + len && (d[next] !== 1 || d[next + 1] === 0 || d[next + 1]! > 11 || u16be(d, next + 2) !== id)) return null;
  return ROLES[role]!;
}

export default defineDissector<State>({
  name: 'fastcgi',
  protocols: [{ name: 'FastCGI', category: 'Web', kind: 'protocol', tcpPorts: [9000], description: 'FastCGI (web server to application server)' }],
  transports: Transport.Tcp,
  firstBytes: [0x01],
  maxPackets: 3,
  fields: [{ name: 'role', type: 'string', description: "the role of the first request ('responder', 'authorizer', 'filter') or 'get_values'" }],
  probe(d, off, len, ctx) {
    return ctx.dir === 0 && len >= 2 && d[off] === 1 && (d[off + 1] === 1 || d[off + 1] === 9);
  },
  createState() {
    return { named: false };
  },
  inspect(s, d, off, len, ctx) {
    if (ctx.dir !== 0) return s.named ? Verdict.Done : Verdict.Continue;
    if (ctx.gap) return s.named ? Verdict.Done : Verdict.NotMine;
    if (!s.named) {
      const r = fcgiFirst(d, off, len);
      if (r === undefined) return Verdict.Continue;
      if (r === null) return Verdict.NotMine;
      s.named = true;
      ctx.setProtocol(ctx.protocolId('FastCGI'));
      ctx.setField('role', r);
    }
    const host = fcgiHttpHost(d, off, len);
    if (host === null) return Verdict.Continue;
    ctx.setHostname(host);
    return Verdict.Done;
  },
});
