import { defineDissector, type InspectContext, Transport, Verdict, type VerdictValue } from '../../api/dissector.js';

// SOCKS proxies. SOCKS5 (RFC 1928 §3): the client greets with VER=5, NMETHODS, METHODS (one
// byte each); the server answers VER=5, METHOD — one of those offered, or X'FF' (none
// acceptable). SOCKS4 (and 4a): the client sends VN=4, CD (1 CONNECT, 2 BIND), DSTPORT, DSTIP,
// USERID, NUL (4a: DSTIP 0.0.0.x, then the host name and NUL); the server answers VN=0,
// CD 90–93, and 6 bytes. A flow is named when the server's answer matches the greeting. The
// user id, password and target are not output.

interface State {
  version: 0 | 4 | 5;
  /** SOCKS5: the methods the client offered */
  methods: number[];
  /** SOCKS4: the command of the request (1 CONNECT, 2 BIND) */
  command: number;
  phase: Phase;
  /** where the next message starts in each direction's stream */
  pos: [number, number];
}

/**
 * After the server's choice, a CONNECT is followed to its reply: RFC 1929's username/password
 * sub-negotiation is skipped by its lengths (nothing of it is kept), then the SOCKS5 request
 * (RFC 1928 §4) and its reply (§6). A granted CONNECT makes the rest of the flow the tunnelled
 * connection's bytes: the TLS dissector reads on from there, for the server name and JA4.
 */
const enum Phase {
  Greeting,
  Auth,
  Request,
  Reply,
}

/** a SOCKS5 request or reply (VER, CMD/REP, RSV, ATYP, address, port): its length, 0 when incomplete, -1 when not one */
function socks5MessageLength(d: Uint8Array, at: number, end: number): number {
  if (end - at < 5) return 0;
  if (d[at] !== 5 || d[at + 2] !== 0) return -1;
  const atyp = d[at + 3];
  const addr = atyp === 1 ? 4 : atyp === 4 ? 16 : atyp === 3 ? 1 + d[at + 4]! : -1;
  if (addr < 0 || (atyp === 3 && addr === 1)) return -1;
  const n = 4 + addr + 2;
  return end - at < n ? 0 : n;
}

/** RFC 1929 §2: VER 1, ULEN, UNAME, PLEN, PASSWD — its length, 0 when incomplete, -1 when not one */
function passwordRequestLength(d: Uint8Array, at: number, end: number): number {
  if (end - at < 2) return 0;
  if (d[at] !== 1) return -1;
  const ulen = d[at + 1]!;
  if (end - at < 3 + ulen) return 0;
  return end - at < 3 + ulen + d[at + 2 + ulen]! ? 0 : 3 + ulen + d[at + 2 + ulen]!;
}

/** the client's greeting: 5 or 4, null when not one, undefined when incomplete */
export function socksGreeting(d: Uint8Array, off: number, len: number): { version: 4 | 5; methods: number[] } | null | undefined {
  if (len < 2) return undefined;
  if (d[off] === 5) {
    const n = d[off + 1]!;
    if (n === 0 || n > 16) return null;
    if (len < 2 + n) return undefined;
    if (len !== 2 + n) return null; // the client waits for the server's answer
    const methods: number[] = [];
    for (let i = 0; i < n; i++) {
      const m = d[off + 2 + i]!;
      // 00 none, 01 GSSAPI, 02 user/password, 03–7F IANA assigned, 80–FE private; FF is not offered
      if (m === 0xff || methods.includes(m)) return null;
      methods.push(m);
    }
    return { version: 5, methods };
  }
  if (d[off] === 4) {
    if (d[off + 1] !== 1 && d[off + 1] !== 2) return null;
    if (len < 9) return undefined;
    if (len > 9 + 255 + 256) return null;
    // USERID up to NUL; 4a (DSTIP 0.0.0.x, x != 0) adds a host name up to NUL
    let i = off + 8;
    const end = off + len;
    while (i < end && d[i] !== 0) i++;
    if (i >= end) return undefined;
    const is4a = d[off + 4] === 0 && d[off + 5] === 0 && d[off + 6] === 0 && d[off + 7] !== 0;
    if (is4a) {
      i++;
      const h = i;
      while (i < end && d[i] !== 0) {
        const c = d[i]!;
        if (c <= 0x20 || c >= 0x7f) return null;
        i++;
      }
      if (i >= end) return undefined;
      if (i === h) return null;
    }
    if (i + 1 !== end) return null;
    return { version: 4, methods: [] };
  }
  return null;
}

export default defineDissector<State>({
  name: 'socks',
  protocols: [{ name: 'SOCKS', category: 'Web', kind: 'protocol', tcpPorts: [1080], description: 'SOCKS proxy protocol (versions 4, 4a and 5)' }],
  transports: Transport.Tcp,
  firstBytes: [4, 5],
  maxPackets: 8,
  fields: [{ name: 'version', type: 'int', description: 'SOCKS version: 4 (4a included) or 5' }],
  probe(d, off, len, ctx) {
    return ctx.dir === 0 && len >= 2 && (d[off] === 5 || (d[off] === 4 && (d[off + 1] === 1 || d[off + 1] === 2)));
  },
  createState() {
    return { version: 0, methods: [], command: 0, phase: Phase.Greeting, pos: [0, 0] };
  },
  inspect(s, d, off, len, ctx) {
    if (ctx.gap) return s.phase === Phase.Greeting ? Verdict.NotMine : Verdict.Done;
    if (s.phase !== Phase.Greeting) return followConnect(s, d, off, len, ctx);
    if (ctx.dir === 0) {
      if (s.version !== 0) return Verdict.Continue;
      const g = socksGreeting(d, off, len);
      if (g === undefined) return Verdict.Continue;
      if (g === null) return Verdict.NotMine;
      s.version = g.version;
      s.methods = g.methods;
      s.command = g.version === 4 ? d[off + 1]! : 0;
      s.pos[0] = len;
      return Verdict.Continue;
    }
    if (s.version === 0) return Verdict.NotMine; // the server spoke first
    if (s.version === 5) {
      if (len < 2) return Verdict.Continue;
      if (d[off] !== 5 || (d[off + 1] !== 0xff && !s.methods.includes(d[off + 1]!))) return Verdict.NotMine;
      // the answer is 2 bytes; a server that went on would have waited for the client
      if (len !== 2) return Verdict.NotMine;
    } else {
      if (len < 8) return Verdict.Continue;
      if (d[off] !== 0 || d[off + 1]! < 90 || d[off + 1]! > 93) return Verdict.NotMine;
    }
    ctx.setProtocol(ctx.protocolId('SOCKS'));
    ctx.setField('version', s.version);
    if (s.version === 4) return granted(d[off + 1] === 90 && s.command === 1, ctx);
    const method = d[off + 1];
    if (method !== 0 && method !== 2) return Verdict.Done; // refused, or GSSAPI's own exchange
    s.phase = method === 2 ? Phase.Auth : Phase.Request;
    s.pos[1] = 2;
    return Verdict.Continue;
  },
});

/** a CONNECT was granted: what follows is the tunnelled connection */
function granted(connect: boolean, ctx: InspectContext): VerdictValue {
  if (connect) ctx.startDissector('tls');
  return Verdict.Done;
}

function followConnect(s: State, d: Uint8Array, off: number, len: number, ctx: InspectContext): VerdictValue {
  const end = off + len;
  const at = off + s.pos[ctx.dir];
  if (ctx.dir === 0) {
    if (s.phase === Phase.Auth) {
      const n = passwordRequestLength(d, at, end);
      if (n < 0) return Verdict.Done;
      if (n > 0) s.pos[0] += n;
    } else if (s.phase === Phase.Request && s.command === 0) {
      const n = socks5MessageLength(d, at, end);
      if (n < 0) return Verdict.Done;
      if (n > 0) {
        s.command = d[at + 1]!;
        s.pos[0] += n;
        s.phase = Phase.Reply;
      }
    }
    return Verdict.Continue;
  }
  if (s.phase === Phase.Auth) {
    // VER 1, STATUS (0 success)
    if (end - at < 2) return Verdict.Continue;
    if (d[at] !== 1 || d[at + 1] !== 0) return Verdict.Done;
    s.pos[1] += 2;
    s.phase = Phase.Request;
    return Verdict.Continue;
  }
  if (s.phase !== Phase.Reply) return Verdict.Done; // the server answered a request not seen
  const n = socks5MessageLength(d, at, end);
  if (n === 0) return Verdict.Continue;
  return granted(n > 0 && d[at + 1] === 0 && s.command === 1, ctx);
}
