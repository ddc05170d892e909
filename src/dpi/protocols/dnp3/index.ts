import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// DNP3 (IEEE 1815, data link layer §9.2): a frame starts 0x05 0x64, then LENGTH (5..255: the
// control, destination, source and user data octets), CONTROL, DESTINATION and SOURCE (little
// endian) and a CRC-16/DNP over those 8 header octets. Over TCP/UDP port 20000.

interface State {
  done: boolean;
}

/** CRC-16/DNP: reflected polynomial 0xA6BC, result complemented, sent low byte first */
export function crcDnp(d: Uint8Array, off: number, n: number): number {
  let crc = 0;
  for (let i = 0; i < n; i++) {
    crc ^= d[off + i]!;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xa6bc : crc >>> 1;
  }
  return ~crc & 0xffff;
}

export function isDnp3Frame(d: Uint8Array, off: number, len: number): boolean {
  if (len < 10 || d[off] !== 0x05 || d[off + 1] !== 0x64 || d[off + 2]! < 5) return false;
  const crc = crcDnp(d, off, 8);
  return d[off + 8] === (crc & 0xff) && d[off + 9] === crc >> 8;
}

export default defineDissector<State>({
  name: 'dnp3',
  protocols: [{ name: 'DNP3', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [20000], udpPorts: [20000], description: 'Distributed Network Protocol 3 (SCADA)' }],
  transports: Transport.Tcp | Transport.Udp,
  firstBytes: [0x05],
  maxPackets: 3,
  fields: [{ name: 'direction', type: 'string', description: 'master or outstation (DIR bit of the first frame)' }],
  probe(d, off, len) {
    return len < 10 ? d[off] === 0x05 : isDnp3Frame(d, off, len);
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (len < 10) return ctx.l4 === 6 ? Verdict.Continue : Verdict.NotMine;
    if (!isDnp3Frame(d, off, len)) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('DNP3'));
    ctx.setField('direction', (d[off + 3]! & 0x80) !== 0 ? 'master' : 'outstation');
    return Verdict.Done;
  },
});
