import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// XDMCP, X Display Manager Control Protocol (X Consortium XDMCP 1.1 §6), UDP 177: version (u16,
// 1), opcode (u16: 1 BroadcastQuery, 2 Query, 3 IndirectQuery, 4 ForwardQuery, 5 Willing,
// 6 Unwilling, 7 Request, 8 Accept, 9 Decline, 10 Manage, 11 Refuse, 12 Failed, 13 KeepAlive,
// 14 Alive), length (u16: bytes after the 6-byte header).

const OPS = ['', 'BroadcastQuery', 'Query', 'IndirectQuery', 'ForwardQuery', 'Willing', 'Unwilling', 'Request', 'Accept', 'Decline', 'Manage', 'Refuse', 'Failed', 'KeepAlive', 'Alive'];

export function xdmcpOpcode(d: Uint8Array, off: number, len: number): string | null {
  if (len < 7 || u16be(d, off) !== 1) return null;
  const op = u16be(d, off + 2);
  if (op < 1 || op > 14 || u16be(d, off + 4) !== len - 6) return null;
  return OPS[op]!;
}

export default defineDissector<{ n: number }>({
  name: 'xdmcp',
  protocols: [{ name: 'XDMCP', category: 'RemoteAccess', kind: 'protocol', udpPorts: [177], description: 'X Display Manager Control Protocol' }],
  transports: Transport.Udp,
  firstBytes: [0x00],
  maxPackets: 2,
  fields: [{ name: 'opcode', type: 'string', description: 'opcode of the first message (Query, Willing, Request, …)' }],
  probe(d, off, len, ctx) {
    return (ctx.serverPort === 177 || ctx.clientPort === 177) && xdmcpOpcode(d, off, len) !== null;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const op = xdmcpOpcode(d, off, len);
    if (!op) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('XDMCP'));
    ctx.setField('opcode', op);
    return Verdict.Done;
  },
});
