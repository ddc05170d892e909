import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// sFlow (sflow.org "sFlow Version 5", §"sFlow Datagram"; v2/v4 in RFC 3176), UDP 6343: version
// (u32: 2, 4 or 5), agent address type (u32: 1 IPv4, 2 IPv6), agent address, [v5: sub-agent id],
// sequence number, uptime (ms), number of samples; then samples, each a format (u32:
// enterprise << 12 | format; standard formats 1..4) and length (u32).

export function sflowVersion(d: Uint8Array, off: number, len: number): number | null {
  if (len < 28) return null;
  const v = u32be(d, off);
  if (v !== 2 && v !== 4 && v !== 5) return null;
  const at = u32be(d, off + 4);
  if (at !== 1 && at !== 2) return null;
  let p = 8 + (at === 1 ? 4 : 16) + (v === 5 ? 4 : 0) + 8;
  if (p + 4 > len) return null;
  const samples = u32be(d, off + p);
  if (samples > 512) return null;
  p += 4;
  if (v === 5 && samples > 0) {
    // the first sample's format and length
    if (p + 8 > len) return null;
    const format = u32be(d, off + p);
    const n = u32be(d, off + p + 4);
    if ((format & 0xfff) === 0 || (format >>> 12 === 0 && (format & 0xfff) > 4) || p + 8 + n > len) return null;
  }
  return v;
}

export default defineDissector<{ n: number }>({
  name: 'sflow',
  protocols: [{ name: 'sFlow', category: 'Network', kind: 'protocol', udpPorts: [6343], description: 'sFlow traffic sampling export' }],
  transports: Transport.Udp,
  firstBytes: [0x00],
  maxPackets: 2,
  fields: [{ name: 'version', type: 'int', description: 'sFlow version (2, 4 or 5)' }],
  probe(d, off, len) {
    return sflowVersion(d, off, len) !== null;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const v = sflowVersion(d, off, len);
    if (v === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('sFlow'));
    ctx.setField('version', v);
    return Verdict.Done;
  },
});
