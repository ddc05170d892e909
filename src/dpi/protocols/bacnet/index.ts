import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// BACnet/IP (ANSI/ASHRAE 135 Annex J), UDP 47808 (0xBAC0): BVLC header — type 0x81 (0x82 for
// BACnet/IPv6), function (0x00..0x0C), length (u16, the whole datagram) — then, for the
// functions that carry one (0x04 forwarded, 0x09 distribute, 0x0A/0x0B original unicast /
// broadcast), an NPDU whose first byte is the protocol version 0x01.

export function bvlcFunction(d: Uint8Array, off: number, len: number): number | null {
  if (len < 4 || d[off] !== 0x81) return null;
  const fn = d[off + 1]!;
  if (fn > 0x0c || u16be(d, off + 2) !== len) return null;
  const npdu = fn === 0x0a || fn === 0x0b || fn === 0x09 ? 4 : fn === 0x04 ? 10 : -1;
  if (npdu >= 0 && (len < npdu + 2 || d[off + npdu] !== 0x01)) return null;
  return fn;
}

export default defineDissector<{ n: number }>({
  name: 'bacnet',
  protocols: [{ name: 'BACnet', category: 'IoT-Scada', kind: 'protocol', udpPorts: [47808], description: 'BACnet/IP building automation' }],
  transports: Transport.Udp,
  firstBytes: [0x81],
  maxPackets: 2,
  probe(d, off, len) {
    return bvlcFunction(d, off, len) !== null;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (bvlcFunction(d, off, len) === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('BACnet'));
    return Verdict.Done;
  },
});
