import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// Ether-S-Bus, Saia-Burgess PCD controllers' S-Bus over UDP 5050. The vendor's layout, as
// described on Wireshark's "S-Bus" dissector page: length (u32, the whole datagram), version
// (0 or 1), protocol type (0 S-Bus, 1 …), sequence number (u16), telegram attribute (0 request,
// 1 response, 2 ACK/NAK), then the S-Bus telegram and a CRC-16. No public specification exists
// beyond that description; we check the length, the small fields and the port.

const ATTR = ['request', 'response', 'ack'];

export function sbusAttribute(d: Uint8Array, off: number, len: number): string | null {
  if (len < 11 || u32be(d, off) !== len) return null;
  if (d[off + 4]! > 1 || d[off + 5]! > 1 || d[off + 8]! > 2) return null;
  return ATTR[d[off + 8]!]!;
}

export default defineDissector<{ n: number }>({
  name: 'ether_s_bus',
  protocols: [{ name: 'Ether-S-Bus', category: 'IoT-Scada', kind: 'protocol', udpPorts: [5050], description: 'Saia-Burgess Ether-S-Bus' }],
  transports: Transport.Udp,
  firstBytes: [0x00],
  maxPackets: 2,
  fields: [{ name: 'telegram', type: 'string', description: 'request, response or ack' }],
  probe(d, off, len, ctx) {
    return (ctx.serverPort === 5050 || ctx.clientPort === 5050) && sbusAttribute(d, off, len) !== null;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const a = sbusAttribute(d, off, len);
    if (!a) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Ether-S-Bus'));
    ctx.setField('telegram', a);
    return Verdict.Done;
  },
});
