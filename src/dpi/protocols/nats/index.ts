import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { startsWithAscii } from '../../helpers/text.js';

// NATS client protocol (docs.nats.io, "Client Protocol"): the server opens with
// "INFO {json}\r\n", the client answers "CONNECT {json}\r\n"; then PUB/SUB/MSG/PING/PONG lines.
// Subjects and payloads are not output; the server's version (from INFO) is.

interface State {
  done: boolean;
}

export default defineDissector<State>({
  name: 'nats',
  protocols: [{ name: 'NATS', ndpi: 'Nats', category: 'RPC', kind: 'protocol', tcpPorts: [4222], description: 'NATS messaging' }],
  transports: Transport.Tcp,
  firstBytes: [0x49, 0x43],
  maxPackets: 3,
  fields: [{ name: 'server_version', type: 'string', description: 'the version the server announces in INFO' }],
  probe(d, off, len, ctx) {
    const want = ctx.dir === 1 ? 'INFO {' : 'CONNECT {';
    return startsWithAscii(d, off, Math.min(len, want.length), want.slice(0, Math.min(len, want.length)));
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    const want = ctx.dir === 1 ? 'INFO {' : 'CONNECT {';
    if (len < want.length) return Verdict.Continue;
    if (!startsWithAscii(d, off, len, want)) return Verdict.NotMine;
    // the JSON object runs to the end of the line
    const end = off + Math.min(len, 4096);
    let eol = -1;
    for (let i = off; i < end; i++) if (d[i] === 0x0a) {
      eol = i;
      break;
    }
    if (eol < 0) return len < 4096 ? Verdict.Continue : Verdict.NotMine;
    const line = String.fromCharCode(...d.subarray(off + want.length - 1, eol)).trim();
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      return Verdict.NotMine;
    }
    if (typeof obj !== 'object' || obj === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('NATS'));
    const v = (obj as Record<string, unknown>)['version'];
    if (ctx.dir === 1 && typeof v === 'string') ctx.setField('server_version', v.slice(0, 40));
    return Verdict.Done;
  },
});
