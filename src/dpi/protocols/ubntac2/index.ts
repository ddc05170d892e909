import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// Ubiquiti device discovery (UDP 10001; nDPI's UBNTAC2). Ubiquiti publishes no specification;
// its publicly documented layout (Wireshark's "ubdp" dissector page, community write-ups) is a
// 4-byte header — version (1 or 2), command, payload length (u16, big endian) — followed by
// TLVs of type (u8) and length (u16, big endian). A version 1 request is the bare header with
// command 0 and length 0. Field values (device names, models, MAC addresses) are not output.

export function ubnt(d: Uint8Array, off: number, len: number): { version: number } | null {
  if (len < 4) return null;
  const version = d[off]!;
  if (version !== 1 && version !== 2) return null;
  const n = u16be(d, off + 2);
  if (n !== len - 4) return null;
  if (n === 0) return version === 1 && d[off + 1] === 0 ? { version } : null;
  let p = 4;
  let tlvs = 0;
  while (p < len) {
    if (p + 3 > len) return null;
    const t = d[off + p]!;
    const l = u16be(d, off + p + 1);
    if (t === 0 || t > 0x30) return null;
    p += 3 + l;
    tlvs++;
  }
  return p === len && tlvs > 0 ? { version } : null;
}

export default defineDissector<{ n: number }>({
  name: 'ubntac2',
  protocols: [{ name: 'UBNTAC2', category: 'Network', kind: 'protocol', udpPorts: [10001], description: 'Ubiquiti device discovery' }],
  transports: Transport.Udp,
  firstBytes: [0x01, 0x02],
  maxPackets: 2,
  fields: [{ name: 'version', type: 'int', description: 'discovery protocol version (1 or 2)' }],
  probe(d, off, len, ctx) {
    return (ctx.serverPort === 10001 || ctx.clientPort === 10001) && ubnt(d, off, len) !== null;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const m = ubnt(d, off, len);
    if (!m) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('UBNTAC2'));
    ctx.setField('version', m.version);
    return Verdict.Done;
  },
});
