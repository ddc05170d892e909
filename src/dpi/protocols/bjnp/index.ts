import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// BJNP, Canon's printer/scanner discovery and job protocol (UDP/TCP 8611–8614). Canon publishes
// no specification; this follows its publicly documented traits (as described by the CUPS/SANE
// "bjnp" backends' documentation and Wireshark's BJNP page): a 16-byte header of the magic "BJNP"
// (or "MFNP" for multi-function devices), a device type (0x01 printer, 0x02 scanner; 0x80 set in
// responses), a command code, an error code (u16), a sequence number (u16), a session id (u16)
// and the payload length (u32, big endian) that follows the header.

const ports = [8611, 8612, 8613, 8614];

export function bjnpHeader(d: Uint8Array, off: number, len: number, datagram = true): { type: number; command: number } | null {
  if (len < 16) return null;
  const m0 = d[off]!, m1 = d[off + 1]!, m2 = d[off + 2]!, m3 = d[off + 3]!;
  const bjnp = m0 === 0x42 && m1 === 0x4a && m2 === 0x4e && m3 === 0x50;
  const mfnp = m0 === 0x4d && m1 === 0x46 && m2 === 0x4e && m3 === 0x50;
  if (!bjnp && !mfnp) return null;
  const type = d[off + 4]! & 0x7f;
  if (type < 1 || type > 2) return null;
  const payload = u32be(d, off + 12);
  // a datagram is exactly one header and its payload
  if (payload > 65536 || (datagram && 16 + payload !== len)) return null;
  return { type, command: d[off + 5]! };
}

export default defineDissector<{ n: number }>({
  name: 'bjnp',
  protocols: [{ name: 'BJNP', category: 'System', kind: 'protocol', tcpPorts: ports, udpPorts: ports, description: 'Canon BJNP printer and scanner discovery' }],
  transports: Transport.Udp | Transport.Tcp,
  firstBytes: [0x42, 0x4d],
  maxPackets: 2,
  fields: [{ name: 'device', type: 'string', description: 'printer or scanner (device type of the first header)' }],
  probe(d, off, len, ctx) {
    return bjnpHeader(d, off, len, ctx.l4 === 17) !== null;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const h = bjnpHeader(d, off, len, ctx.l4 === 17);
    if (!h) return ctx.l4 === 6 && len < 16 ? Verdict.Continue : Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('BJNP'));
    ctx.setField('device', h.type === 1 ? 'printer' : 'scanner');
    return Verdict.Done;
  },
});
