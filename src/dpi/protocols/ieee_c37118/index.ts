import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// IEEE C37.118.2 synchrophasor frames (TCP 4712, UDP 4713): SYNC (0xAA, then frame type in bits
// 4..6 — 0 data, 1 header, 2 config-1, 3 config-2, 4 command, 5 config-3 — and version 1..3 in
// bits 0..3), FRAMESIZE (u16, whole frame), IDCODE, SOC, FRACSEC, … and a CRC-CCITT (initial
// 0xFFFF, polynomial 0x1021) over everything before it, in the last two bytes.

const TYPES = ['data', 'header', 'config1', 'config2', 'command', 'config3'];

export function crcCcitt(d: Uint8Array, off: number, n: number): number {
  let crc = 0xffff;
  for (let i = 0; i < n; i++) {
    crc ^= d[off + i]! << 8;
    for (let k = 0; k < 8; k++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

export function c37118Frame(d: Uint8Array, off: number, len: number): string | null {
  if (len < 16 || d[off] !== 0xaa) return null;
  const type = (d[off + 1]! >> 4) & 0x07;
  const version = d[off + 1]! & 0x0f;
  if ((d[off + 1]! & 0x80) !== 0 || type > 5 || version < 1 || version > 3) return null;
  const size = u16be(d, off + 2);
  if (size < 16 || size > len) return null;
  return crcCcitt(d, off, size - 2) === u16be(d, off + size - 2) ? TYPES[type]! : null;
}

export default defineDissector<{ n: number }>({
  name: 'ieee_c37118',
  protocols: [{ name: 'IEEE-C37118', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [4712], udpPorts: [4713], description: 'IEEE C37.118 synchrophasor data transfer' }],
  transports: Transport.Udp | Transport.Tcp,
  firstBytes: [0xaa],
  maxPackets: 3,
  fields: [{ name: 'frame', type: 'string', description: 'type of the first frame (data, header, config1/2/3, command)' }],
  probe(d, off, len) {
    return len < 2 || (d[off + 1]! & 0x80) === 0;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.l4 === 6 && (len < 4 || len < u16be(d, off + 2)) && len < 1400) return Verdict.Continue;
    const f = c37118Frame(d, off, len);
    if (!f) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('IEEE-C37118'));
    ctx.setField('frame', f);
    return Verdict.Done;
  },
});
