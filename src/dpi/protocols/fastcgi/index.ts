import { defineDissector, Transport, Verdict } from '../../dissector.js';
import { u16be } from '../../text.js';

// FastCGI (the FastCGI Specification, Open Market 1996, §3.3 and §5.1): records start with an
// 8-byte header — version 1, type (1 BEGIN_REQUEST … 11 UNKNOWN_TYPE), request id (16 bits),
// content length (16), padding length (8), a reserved byte. The web server opens a request
// with FCGI_BEGIN_REQUEST (type 1): request id ≥ 1, an 8-byte body holding the role (1
// RESPONDER, 2 AUTHORIZER, 3 FILTER), flags and 5 reserved bytes; or asks FCGI_GET_VALUES
// (type 9) on request id 0. Parameters and bodies are not output.

interface State {
  done: boolean;
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
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.dir !== 0) return Verdict.Continue;
    if (ctx.gap) return Verdict.NotMine;
    const r = fcgiFirst(d, off, len);
    if (r === undefined) return Verdict.Continue;
    if (r === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('FastCGI'));
    ctx.setField('role', r);
    return Verdict.Done;
  },
});
