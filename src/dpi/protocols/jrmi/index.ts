import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// Java RMI's transport protocol (Java RMI specification, chapter 10 "RMI Wire Protocol"): the
// client opens with the magic "JRMI", a 16-bit version (2) and the protocol — 0x4B
// StreamProtocol, 0x4C SingleOpProtocol, 0x4D MultiplexProtocol. The server acknowledges a
// stream protocol with 0x4E ProtocolAck and its view of the client's host and port (not output).

interface State {
  done: boolean;
}

export function jrmiHeader(d: Uint8Array, off: number, len: number): string | null | undefined {
  const magic = [0x4a, 0x52, 0x4d, 0x49];
  for (let i = 0; i < 4; i++) {
    if (i >= len) return undefined;
    if (d[off + i] !== magic[i]) return null;
  }
  if (len < 7) return undefined;
  const v = u16be(d, off + 4);
  const p = d[off + 6]!;
  if (v < 1 || v > 2 || p < 0x4b || p > 0x4d) return null;
  return p === 0x4b ? 'stream' : p === 0x4c ? 'single_op' : 'multiplex';
}

export default defineDissector<State>({
  name: 'jrmi',
  protocols: [{ name: 'JRMI', category: 'RPC', kind: 'protocol', tcpPorts: [1099], description: 'Java Remote Method Invocation wire protocol' }],
  transports: Transport.Tcp,
  firstBytes: [0x4a],
  maxPackets: 3,
  fields: [{ name: 'protocol', type: 'string', description: "the RMI transport protocol ('stream', 'single_op', 'multiplex')" }],
  probe(d, off, len, ctx) {
    return ctx.dir === 0 && len >= 1 && d[off] === 0x4a;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.dir !== 0) return Verdict.Continue;
    if (ctx.gap) return Verdict.NotMine;
    const r = jrmiHeader(d, off, len);
    if (r === undefined) return Verdict.Continue;
    if (r === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('JRMI'));
    ctx.setField('protocol', r);
    return Verdict.Done;
  },
});
