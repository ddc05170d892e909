import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// PFCP, Packet Forwarding Control Protocol (3GPP TS 29.244 §7.2), UDP 8805: flags (version 1 in
// bits 5..7, spare, FO, MP, S), message type (1..15 node related, 50..57 session related),
// length (u16: bytes after the first 4), SEID (u64, when S = 1; session messages always have
// it), sequence number (u24) and a spare/priority byte.

export function pfcpType(d: Uint8Array, off: number, len: number): number | null {
  if (len < 8) return null;
  const f = d[off]!;
  if ((f & 0xe0) !== 0x20 || (f & 0x18) !== 0) return null;
  const s = (f & 0x01) !== 0;
  const type = d[off + 1]!;
  const node = type >= 1 && type <= 15;
  const session = type >= 50 && type <= 57;
  if (!node && !session) return null;
  if (session !== s) return null;
  const n = u16be(d, off + 2);
  if (n + 4 > len || n < (s ? 12 : 4)) return null;
  return type;
}

export default defineDissector<{ n: number }>({
  name: 'pfcp',
  protocols: [{ name: 'PFCP', category: 'Network', kind: 'protocol', udpPorts: [8805], description: 'Packet Forwarding Control Protocol (5G/4G CUPS)' }],
  transports: Transport.Udp,
  firstBytes: [0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27],
  maxPackets: 2,
  probe(d, off, len, ctx) {
    return (ctx.serverPort === 8805 || ctx.clientPort === 8805) && pfcpType(d, off, len) !== null;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (pfcpType(d, off, len) === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('PFCP'));
    return Verdict.Done;
  },
});
