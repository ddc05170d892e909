import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// Megaco / H.248 text encoding (RFC 3525 Annex B / ITU-T H.248.1), UDP/TCP 2944 (2945 for the
// binary encoding, not handled). A message starts with the protocol token "MEGACO" or its short
// form "!" followed by "/", the version (1..3) and whitespace, then the sender's message id
// (a domain name in angle brackets, an [IP address]:port, or a device name).

export function megacoVersion(d: Uint8Array, off: number, len: number): number | null {
  let p = off;
  const end = off + len;
  if (len < 6) return null;
  if (d[p] === 0x21) p++;
  else {
    const t = 'MEGACO';
    for (let i = 0; i < 6; i++) {
      const c = d[p + i]! & 0xdf;
      if (c !== t.charCodeAt(i)) return null;
    }
    p += 6;
  }
  if (p + 3 > end || d[p] !== 0x2f) return null;
  const v = d[p + 1]! - 0x30;
  if (v < 1 || v > 3) return null;
  const ws = d[p + 2]!;
  if (ws !== 0x20 && ws !== 0x09 && ws !== 0x0a && ws !== 0x0d) return null;
  // the message id: '<', '[' or a letter
  let q = p + 3;
  while (q < end && (d[q] === 0x20 || d[q] === 0x09 || d[q] === 0x0a || d[q] === 0x0d)) q++;
  if (q >= end) return null;
  const c = d[q]!;
  return c === 0x3c || c === 0x5b || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ? v : null;
}

export default defineDissector<{ n: number }>({
  name: 'megaco',
  protocols: [{ name: 'Megaco', category: 'VoIP', kind: 'protocol', tcpPorts: [2944], udpPorts: [2944], description: 'Megaco / H.248 media gateway control (text)' }],
  transports: Transport.Udp | Transport.Tcp,
  firstBytes: [0x21, 0x4d, 0x6d],
  maxPackets: 2,
  fields: [{ name: 'version', type: 'int', description: 'H.248 version in the message header' }],
  probe(d, off, len) {
    return megacoVersion(d, off, len) !== null;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const v = megacoVersion(d, off, len);
    if (v === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Megaco'));
    ctx.setField('version', v);
    return Verdict.Done;
  },
});
