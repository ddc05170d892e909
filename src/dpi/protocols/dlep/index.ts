import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// DLEP, Dynamic Link Exchange Protocol (RFC 8175), port 854. Discovery over UDP (§11): the
// 4-byte prefix "DLEP", then a signal header — signal type (u16: 1 Peer Discovery, 2 Peer Offer)
// and length (u16) — and data items. Sessions over TCP (§12): message type (u16, 1..20), length
// (u16: bytes after the header) and data items, each a type (u16) and length (u16).

function items(d: Uint8Array, p: number, end: number): boolean {
  while (p < end) {
    if (p + 4 > end) return false;
    const t = u16be(d, p);
    if (t === 0 || t > 0x7fff) return false;
    p += 4 + u16be(d, p + 2);
  }
  return p === end;
}

/** signal (UDP, after "DLEP") or message (TCP) at data[off..]; `exact`: must end at len */
export function dlepMessage(d: Uint8Array, off: number, len: number, udp: boolean): number | null {
  let p = off;
  if (udp) {
    if (len < 8 || d[p] !== 0x44 || d[p + 1] !== 0x4c || d[p + 2] !== 0x45 || d[p + 3] !== 0x50) return null;
    p += 4;
  }
  const end = off + len;
  if (p + 4 > end) return null;
  const type = u16be(d, p);
  const n = u16be(d, p + 2);
  if (type === 0 || type > (udp ? 2 : 20)) return null;
  const stop = p + 4 + n;
  if (udp ? stop !== end : stop > end) return null;
  return items(d, p + 4, stop) ? type : null;
}

export default defineDissector<{ n: number }>({
  name: 'dlep',
  protocols: [{ name: 'DLEP', category: 'Network', kind: 'protocol', tcpPorts: [854], udpPorts: [854], description: 'Dynamic Link Exchange Protocol' }],
  transports: Transport.Udp | Transport.Tcp,
  firstBytes: [0x44, 0x00],
  maxPackets: 3,
  probe(d, off, _len, ctx) {
    if (ctx.l4 === 17) return d[off] === 0x44;
    return ctx.serverPort === 854 || ctx.clientPort === 854;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.l4 === 6 && len < 4) return Verdict.Continue;
    if (ctx.l4 === 6 && len < 4 + u16be(d, off + 2) && len < 1400) return Verdict.Continue;
    if (dlepMessage(d, off, len, ctx.l4 === 17) === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('DLEP'));
    return Verdict.Done;
  },
});
