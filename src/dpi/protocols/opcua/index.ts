import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32le } from '../../helpers/text.js';

// OPC UA binary (OPC 10000-6 §7.1.2 "Message types"), TCP 4840: every message has an 8-byte
// header — message type (3 ASCII bytes: HEL, ACK, ERR, RHE, MSG, OPN, CLO), chunk type ('F'
// final; 'C' intermediate and 'A' abort for MSG/OPN/CLO), message size (u32 LE, whole message).
// A session opens with HEL (protocol version u32 0, buffer sizes, endpoint URL) answered by ACK.

const TYPES = ['HEL', 'ACK', 'ERR', 'RHE', 'MSG', 'OPN', 'CLO'];

export function opcuaType(d: Uint8Array, off: number, len: number): string | null {
  if (len < 8) return null;
  const t = String.fromCharCode(d[off]!, d[off + 1]!, d[off + 2]!);
  if (!TYPES.includes(t)) return null;
  const chunk = d[off + 3]!;
  if (chunk !== 0x46 && !((chunk === 0x43 || chunk === 0x41) && (t === 'MSG' || t === 'OPN' || t === 'CLO'))) return null;
  const n = u32le(d, off + 4);
  if (n < 8 || n > 1 << 24) return null;
  if ((t === 'HEL' || t === 'ACK') && (n < 28 || (len >= 12 && u32le(d, off + 8) > 16))) return null;
  return t;
}

export default defineDissector<{ n: number }>({
  name: 'opcua',
  protocols: [{ name: 'OPC-UA', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [4840], description: 'OPC Unified Architecture (binary)' }],
  transports: Transport.Tcp,
  firstBytes: [0x48, 0x41, 0x45, 0x52, 0x4d, 0x4f, 0x43],
  maxPackets: 2,
  fields: [{ name: 'message', type: 'string', description: 'first message type (HEL, ACK, OPN, MSG, …)' }],
  probe(d, off, len, ctx) {
    // HEL/RHE open a session anywhere; other types only on the OPC UA port
    if (len < 3) return true;
    const hel = d[off] === 0x48 && d[off + 1] === 0x45 && d[off + 2] === 0x4c;
    const rhe = d[off] === 0x52 && d[off + 1] === 0x48 && d[off + 2] === 0x45;
    return hel || rhe || ctx.serverPort === 4840;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (len < 12) return Verdict.Continue;
    const t = opcuaType(d, off, len);
    if (!t) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('OPC-UA'));
    ctx.setField('message', t);
    return Verdict.Done;
  },
});
