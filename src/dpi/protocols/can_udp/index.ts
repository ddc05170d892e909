import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// CAN frames carried over UDP (nDPI's Controller_Area_Network). The encapsulation recognised
// here is the one whose publicly documented trait is an ASCII magic "ISO11898" (the CAN standard's
// number) at the start of the datagram, followed by a version byte (1) and a message type, then
// CAN frames. No vendor specification is public; the magic and version are all we rely on.

export function isCanOverUdp(d: Uint8Array, off: number, len: number): boolean {
  if (len < 12) return false;
  const magic = 'ISO11898';
  for (let i = 0; i < 8; i++) if (d[off + i] !== magic.charCodeAt(i)) return false;
  return d[off + 8] === 0x01;
}

export default defineDissector<{ n: number }>({
  name: 'can_udp',
  protocols: [{ name: 'Controller_Area_Network', category: 'System', kind: 'protocol', description: 'CAN bus frames over UDP' }],
  transports: Transport.Udp,
  firstBytes: [0x49],
  maxPackets: 2,
  probe(d, off, len) {
    return isCanOverUdp(d, off, len);
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (!isCanOverUdp(d, off, len)) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Controller_Area_Network'));
    return Verdict.Done;
  },
});
