import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// CNP/IP, LonWorks control network protocol tunnelled over IP (ANSI/EIA-852, ISO/IEC 14908-4),
// UDP 1628/1629. Common header (EIA-852 §5): packet size (u16, the whole datagram), version (1),
// packet type (0x01 data packet, 0x03..0x0A / 0x60..0x71 configuration and status requests and
// responses), extended header size (in 4-byte words), protocol flags, vendor code (u16),
// session id (u32), sequence number (u32), timestamp (u32).

export function cnpIpType(d: Uint8Array, off: number, len: number): number | null {
  if (len < 20 || u16be(d, off) !== len || d[off + 2] !== 1) return null;
  const t = d[off + 3]!;
  const known = t === 0x01 || (t >= 0x03 && t <= 0x0a) || (t >= 0x60 && t <= 0x71) || (t >= 0x7f && t <= 0x81);
  if (!known || 20 + d[off + 4]! * 4 > len) return null;
  return t;
}

export default defineDissector<{ n: number }>({
  name: 'cnp_ip',
  protocols: [{ name: 'CNP-IP', category: 'IoT-Scada', kind: 'protocol', udpPorts: [1628, 1629], description: 'LonWorks CNP/IP (EIA-852)' }],
  transports: Transport.Udp,
  firstBytes: [0x00, 0x01, 0x02, 0x03, 0x04, 0x05],
  maxPackets: 2,
  probe(d, off, len, ctx) {
    const port = ctx.serverPort === 1628 || ctx.serverPort === 1629 || ctx.clientPort === 1628 || ctx.clientPort === 1629;
    return port && cnpIpType(d, off, len) !== null;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (cnpIpType(d, off, len) === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('CNP-IP'));
    return Verdict.Done;
  },
});
