import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { readLine } from '../../helpers/text.js';

// STOMP 1.0–1.2 (stomp.github.io, "STOMP Protocol Specification, Version 1.2"): a frame is a
// command line, header lines "name:value", a blank line, a body and a NUL octet; lines end in
// LF or CR LF. A client opens with CONNECT (or STOMP, 1.2) and the server answers CONNECTED or
// ERROR. A flow is named by a client CONNECT/STOMP frame whose head is well formed and carries
// accept-version or host, or by a CONNECTED frame. Only the negotiated version is output: no
// login, passcode, destinations or bodies.

interface State {
  done: boolean;
}

/** the frame head at data[off..]: command and headers, null when not STOMP, undefined: short */
export function stompHead(d: Uint8Array, off: number, len: number): { command: string; headers: Map<string, string> } | null | undefined {
  const l = readLine(d, off, len, 0, 16);
  if (l === undefined) return len > 18 ? null : undefined;
  if (l === null || !/^(CONNECT|STOMP|CONNECTED|ERROR)$/.test(l.text)) return null;
  const headers = new Map<string, string>();
  let pos = l.next;
  for (let n = 0; n < 32; n++) {
    const h = readLine(d, off, len, pos, 1024);
    if (h === undefined) return undefined;
    if (h === null) return null;
    if (h.text === '') return { command: l.text, headers };
    const c = h.text.indexOf(':');
    if (c <= 0) return null;
    const name = h.text.slice(0, c).toLowerCase();
    if (!headers.has(name)) headers.set(name, h.text.slice(c + 1));
    pos = h.next;
  }
  return null;
}

export default defineDissector<State>({
  name: 'stomp',
  protocols: [{ name: 'STOMP', category: 'RPC', kind: 'protocol', tcpPorts: [61613], description: 'Simple Text Oriented Messaging Protocol' }],
  transports: Transport.Tcp,
  firstBytes: [0x43, 0x53, 0x45],
  maxPackets: 4,
  fields: [{ name: 'version', type: 'string', description: 'accepted versions (client) or the version the server chose' }],
  probe(d, off, len) {
    return len >= 1 && (d[off] === 0x43 || d[off] === 0x53 || d[off] === 0x45);
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.gap) return Verdict.NotMine;
    const h = stompHead(d, off, len);
    if (h === undefined) return Verdict.Continue;
    if (h === null) return Verdict.NotMine;
    const client = h.command === 'CONNECT' || h.command === 'STOMP';
    if (client !== (ctx.dir === 0)) return Verdict.NotMine;
    const v = h.headers.get(client ? 'accept-version' : 'version');
    if (client ? v === undefined && !h.headers.has('host') : h.command === 'ERROR' && v === undefined) return Verdict.NotMine;
    if (v !== undefined && !/^\d\.\d(,\d\.\d)*$/.test(v)) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('STOMP'));
    if (v !== undefined) ctx.setField('version', v);
    return Verdict.Done;
  },
});
