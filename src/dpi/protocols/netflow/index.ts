import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// NetFlow export (Cisco's public NetFlow v1/v5/v7 record formats; v9 in RFC 3954 §5) and IPFIX
// (RFC 7011 §3), UDP 2055/2056/2057/9995/9996 and 4739 (IPFIX). Fixed-format versions: version
// (u16), count (u16: 1..30 records) and a header of 16 (v1) or 24 (v5, v7) bytes followed by
// 48- (v1, v5) or 52-byte (v7) records — the datagram size follows from the count. v9: version,
// count, uptime, seconds, sequence, source id (20 bytes), then flowsets (id u16, length u16 ≥ 4)
// that tile the datagram. IPFIX: version 10, message length (u16, the whole message), export
// time, sequence, domain id (16 bytes), then sets like v9's. Reported as nDPI does: NetFlow.

export function netflowVersion(d: Uint8Array, off: number, len: number): number | null {
  if (len < 16) return null;
  const v = u16be(d, off);
  const count = u16be(d, off + 2);
  switch (v) {
    case 1:
      return count >= 1 && count <= 30 && len === 16 + 48 * count ? v : null;
    case 5:
      return count >= 1 && count <= 30 && len === 24 + 48 * count ? v : null;
    case 7:
      return count >= 1 && count <= 30 && len === 24 + 52 * count ? v : null;
    case 9:
      return sets(d, off, len, 20) ? v : null;
    case 10:
      return count === len && sets(d, off, len, 16) ? v : null;
    default:
      return null;
  }
}

function sets(d: Uint8Array, off: number, len: number, p: number): boolean {
  if (len < p + 4) return false;
  let n = 0;
  while (p < len) {
    if (p + 4 > len) return false;
    const id = u16be(d, off + p);
    const l = u16be(d, off + p + 2);
    // 0..3 templates and options templates (v9 0/1, IPFIX 2/3), 256+ data sets
    if ((id > 3 && id < 256) || l < 4 || p + l > len) return false;
    p += l;
    n++;
  }
  return n > 0;
}

export default defineDissector<{ n: number }>({
  name: 'netflow',
  protocols: [{ name: 'NetFlow', category: 'Network', kind: 'protocol', udpPorts: [2055, 2056, 2057, 9995, 9996, 4739], description: 'NetFlow and IPFIX flow export' }],
  transports: Transport.Udp,
  firstBytes: [0x00],
  maxPackets: 2,
  fields: [{ name: 'version', type: 'int', description: 'export version (1, 5, 7, 9; 10 is IPFIX)' }],
  probe(d, off, len) {
    return netflowVersion(d, off, len) !== null;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const v = netflowVersion(d, off, len);
    if (v === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('NetFlow'));
    ctx.setField('version', v);
    return Verdict.Done;
  },
});
