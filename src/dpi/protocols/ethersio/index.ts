import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// EtherSIO (Nlynx / Ethernet Serial I/O, UDP 6060). No public specification; its publicly
// documented trait (Wireshark's EtherSIO dissector page) is a header starting with the ASCII
// magic "ESIO" and a version (u16, 1), followed by the message type and I/O data.

export function isEsio(d: Uint8Array, off: number, len: number): boolean {
  return len >= 12 && d[off] === 0x45 && d[off + 1] === 0x53 && d[off + 2] === 0x49 && d[off + 3] === 0x4f && d[off + 4] === 0 && d[off + 5] === 1;
}

export default defineDissector<{ n: number }>({
  name: 'ethersio',
  protocols: [{ name: 'EtherSIO', category: 'IoT-Scada', kind: 'protocol', udpPorts: [6060], description: 'Ethernet Serial I/O' }],
  transports: Transport.Udp,
  firstBytes: [0x45],
  maxPackets: 2,
  probe(d, off, len) {
    return isEsio(d, off, len);
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (!isEsio(d, off, len)) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('EtherSIO'));
    return Verdict.Done;
  },
});
