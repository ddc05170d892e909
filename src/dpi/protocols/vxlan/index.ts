import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// VXLAN (RFC 7348 §5, UDP 4789) and VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe, UDP 4790). sonde
// decapsulates both (wire/vxlan.ts): the inner IP flows are the flows, as nDPI's reader reports
// tunnels it decodes. What names the outer flow is what is left on it: frames that carry no IP
// packet (ARP, LLDP…), or every datagram when VXLAN decapsulation is off.
//
// Header: flags (I = 0x08: the VNI is valid, and G = 0x80 with a group policy id in octets 2..3, the
// group-based policy extension; the other bits reserved, 0), 24 reserved bits, the 24-bit VNI, 8
// reserved bits (0); an Ethernet frame follows. VXLAN-GPE: flags R R Ver(2, = 0) I P B O, 16
// reserved bits, the next protocol (1 IPv4, 2 IPv6, 3 Ethernet, 4 NSH, 5 MPLS), the VNI, 8 reserved.

const VXLAN_PORT = 4789;
const VXLAN_GPE_PORT = 4790;
const HEADER = 8;
const ETHERNET_HEADER = 14;
const FLAG_I = 0x08;
const FLAG_G = 0x80;
const GPE_FLAG_P = 0x04;

/** what follows the header can start with: an Ethernet frame (EtherType or 802.3 length), or an IP header of its version */
function innerFits(d: Uint8Array, q: number, end: number, next: number): boolean {
  switch (next) {
    case 1:
      return end - q >= 20 && d[q]! >> 4 === 4;
    case 2:
      return end - q >= 40 && d[q]! >> 4 === 6;
    case 3: {
      if (end - q < ETHERNET_HEADER) return false;
      const type = u16be(d, q + 12);
      return type >= 0x0600 || type <= 1500;
    }
    default: // NSH, MPLS: a header of 4 octets at least
      return end - q >= 4;
  }
}

/** VXLAN (0 < result) on `port`, with the VNI in the low 24 bits + 1, or 0 when not. Allocates nothing. */
export function vxlanVni(d: Uint8Array, off: number, len: number, gpe: boolean): number {
  if (len < HEADER + 4) return 0;
  const f = d[off]!;
  if ((f & FLAG_I) === 0 || d[off + 7] !== 0) return 0;
  let next = 3;
  if (gpe) {
    // version 0 and the next protocol named
    if ((f & 0xf0) !== 0 || (f & GPE_FLAG_P) === 0) return 0;
    next = d[off + 3]!;
    if (next < 1 || next > 5 || d[off + 1] !== 0 || d[off + 2] !== 0) return 0;
  } else {
    if ((f & ~(FLAG_I | FLAG_G) & 0xff) !== 0) return 0;
    // without G, the 24 bits after the flags are reserved; with it, octet 1 still is
    if (d[off + 1] !== 0 || ((f & FLAG_G) === 0 && (d[off + 2] !== 0 || d[off + 3] !== 0))) return 0;
  }
  if (!innerFits(d, off + HEADER, off + len, next)) return 0;
  return ((d[off + 4]! << 16) | (d[off + 5]! << 8) | d[off + 6]!) + 1;
}

export default defineDissector<{ n: number }>({
  name: 'vxlan',
  protocols: [{ name: 'VXLAN', category: 'Network', kind: 'protocol', udpPorts: [VXLAN_PORT, VXLAN_GPE_PORT], description: 'Virtual eXtensible Local Area Network (RFC 7348), and VXLAN-GPE' }],
  transports: Transport.Udp,
  // I, with G (VXLAN), or with P and B/O (GPE)
  firstBytes: [0x08, 0x88, 0x0c, 0x0d, 0x0e, 0x0f],
  maxPackets: 2,
  fields: [
    { name: 'vni', type: 'int', description: 'VXLAN network identifier of the first datagram (24 bits)' },
  ],
  probe(d, off, len, ctx) {
    if (ctx.serverPort === VXLAN_PORT || ctx.clientPort === VXLAN_PORT) return vxlanVni(d, off, len, false) !== 0;
    if (ctx.serverPort === VXLAN_GPE_PORT || ctx.clientPort === VXLAN_GPE_PORT) return vxlanVni(d, off, len, true) !== 0;
    return false;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const gpe = !(ctx.serverPort === VXLAN_PORT || ctx.clientPort === VXLAN_PORT);
    const vni = vxlanVni(d, off, len, gpe);
    if (vni === 0) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('VXLAN'));
    ctx.setField('vni', vni - 1);
    return Verdict.Done;
  },
});
