import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// RTPS, the DDS interoperability wire protocol (OMG DDSI-RTPS 2.x §9.4.4): every message starts
// with the 4-byte protocol id "RTPS" (or "RTPX" from some vendors), the protocol version (major 2,
// or 1 for old implementations; minor), the vendor id (2 bytes) and a 12-byte GUID prefix; then
// submessages, each with an id, flags and a length. UDP 7400 + 250 × domain + offsets.

export function rtpsVersion(d: Uint8Array, off: number, len: number): string | null {
  if (len < 16 || d[off] !== 0x52 || d[off + 1] !== 0x54 || d[off + 2] !== 0x50) return null;
  if (d[off + 3] !== 0x53 && d[off + 3] !== 0x58) return null;
  const major = d[off + 4]!;
  const minor = d[off + 5]!;
  if (major < 1 || major > 2 || minor > 9) return null;
  return `${major}.${minor}`;
}

export default defineDissector<{ n: number }>({
  name: 'rtps',
  protocols: [{ name: 'RTPS', category: 'RPC', kind: 'protocol', udpPorts: [7400, 7401, 7410, 7411], description: 'Real-Time Publish-Subscribe (DDS wire protocol)' }],
  transports: Transport.Udp | Transport.Tcp,
  firstBytes: [0x52],
  maxPackets: 2,
  fields: [{ name: 'version', type: 'string', description: 'RTPS protocol version, e.g. 2.1' }],
  probe(d, off, len) {
    return rtpsVersion(d, off, len) !== null;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const v = rtpsVersion(d, off, len);
    if (!v) return ctx.l4 === 6 && len < 16 ? Verdict.Continue : Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('RTPS'));
    ctx.setField('version', v);
    return Verdict.Done;
  },
});
