import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// PROFINET IO context management: connectionless DCE/RPC (C706 chapter 12) over UDP 34964 whose
// object or interface UUID is one of the PNIO UUIDs DEA0000x-6C97-11D1-8271-00A02442DF7D
// (IEC 61158-6-10; x = 1 device, 2 controller, 3 supervisor, 4 parameter server; object UUIDs
// DEA00000-…). The 80-byte header: rpc_vers 4, packet type (0..10), flags, data representation
// (byte 0 bit 4: little endian), serial, object UUID at 8, interface UUID at 24. UUID fields
// are in the sender's byte order.

const TAIL = [0x82, 0x71, 0x00, 0xa0, 0x24, 0x42, 0xdf, 0x7d];

function pnioUuid(d: Uint8Array, p: number, le: boolean): boolean {
  for (let i = 0; i < 8; i++) if (d[p + 8 + i] !== TAIL[i]) return false;
  if (le) return d[p + 3] === 0xde && d[p + 2] === 0xa0 && d[p + 1] === 0x00 && d[p]! <= 4 && d[p + 5] === 0x6c && d[p + 4] === 0x97 && d[p + 7] === 0x11 && d[p + 6] === 0xd1;
  return d[p] === 0xde && d[p + 1] === 0xa0 && d[p + 2] === 0x00 && d[p + 3]! <= 4 && d[p + 4] === 0x6c && d[p + 5] === 0x97 && d[p + 6] === 0x11 && d[p + 7] === 0xd1;
}

export function isPnioRpc(d: Uint8Array, off: number, len: number): boolean {
  if (len < 80 || d[off] !== 4 || d[off + 1]! > 10) return false;
  const le = (d[off + 4]! & 0x10) !== 0;
  return pnioUuid(d, off + 8, le) || pnioUuid(d, off + 24, le);
}

export default defineDissector<{ n: number }>({
  name: 'profinet_io',
  protocols: [{ name: 'PROFINET_IO', category: 'IoT-Scada', kind: 'protocol', udpPorts: [34964], description: 'PROFINET IO context manager (DCE/RPC)' }],
  transports: Transport.Udp,
  firstBytes: [0x04],
  maxPackets: 2,
  probe(d, off, len) {
    return isPnioRpc(d, off, len);
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (!isPnioRpc(d, off, len)) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('PROFINET_IO'));
    return Verdict.Done;
  },
});
