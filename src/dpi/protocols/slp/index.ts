import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// Service Location Protocol, TCP/UDP 427. Version 2 (RFC 2608 §8): version 2, function id
// (1 SrvRqst … 11 SAAdvert), length (u24, whole message), flags (u16, low 13 bits zero), next
// extension offset (u24), XID (u16), language tag length (u16) and tag. Version 1 (RFC 2165 §7):
// version 1, function (1..10), length (u16), flags, dialect (0), language code (2 ASCII letters),
// character encoding (u16), XID.

const FUNCS = ['', 'SrvRqst', 'SrvRply', 'SrvReg', 'SrvDeReg', 'SrvAck', 'AttrRqst', 'AttrRply', 'DAAdvert', 'SrvTypeRqst', 'SrvTypeRply', 'SAAdvert'];
const alpha = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);

export function slpMessage(d: Uint8Array, off: number, len: number, datagram: boolean): { version: number; fn: string } | null {
  if (len < 12) return null;
  const v = d[off]!;
  const fn = d[off + 1]!;
  if (v === 2) {
    if (fn < 1 || fn > 11) return null;
    const n = (d[off + 2]! << 16) | u16be(d, off + 3);
    if ((d[off + 6]! & 0x1f) !== 0 || d[off + 5]! & 0x1f) return null;
    if (datagram ? n !== len : n < 16) return null;
    const tag = u16be(d, off + 12);
    if (len < 14 + tag || tag === 0 || tag > 64 || !alpha(d[off + 14]!)) return null;
    return { version: 2, fn: FUNCS[fn]! };
  }
  if (v === 1) {
    // v1 function codes map onto the same names for 1..10
    if (fn < 1 || fn > 10) return null;
    const n = u16be(d, off + 2);
    if ((datagram ? n !== len : n < 12) || d[off + 5] !== 0 || !alpha(d[off + 6]!) || !alpha(d[off + 7]!)) return null;
    return { version: 1, fn: FUNCS[fn]! };
  }
  return null;
}

export default defineDissector<{ n: number }>({
  name: 'slp',
  protocols: [{ name: 'Service_Location_Protocol', category: 'RPC', kind: 'protocol', tcpPorts: [427], udpPorts: [427], description: 'Service Location Protocol' }],
  transports: Transport.Udp | Transport.Tcp,
  firstBytes: [0x01, 0x02],
  maxPackets: 2,
  fields: [
    { name: 'version', type: 'int', description: 'SLP version (1 or 2)' },
    { name: 'function', type: 'string', description: 'function of the first message (SrvRqst, SrvRply, …)' },
  ],
  probe(d, off, len, ctx) {
    return (ctx.serverPort === 427 || ctx.clientPort === 427) && (ctx.l4 === 6 || slpMessage(d, off, len, true) !== null);
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.l4 === 6 && len < 16) return Verdict.Continue;
    const m = slpMessage(d, off, len, ctx.l4 === 17);
    if (!m) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Service_Location_Protocol'));
    ctx.setField('version', m.version);
    ctx.setField('function', m.fn);
    return Verdict.Done;
  },
});
