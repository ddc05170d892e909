import { Anomaly } from '../decode/anomaly.js';
import { Layer, Tunnel } from '../decode/layers.js';
import { type DecodedPacket } from '../decode/packet.js';
import { enterUdpTunnel, shortUdpTunnel } from './udp-tunnel.js';

// VXLAN (RFC 7348, UDP 4789): flags (I = VNI valid), 3 reserved bytes, 24-bit VNI, 1 reserved byte,
// then an Ethernet frame. Like Linux, sonde accepts only the flags it knows (I, and G of the
// group-based-policy extension, which uses the reserved bytes after the flags) and a zero last
// byte: a UDP payload on port 4789 that is not VXLAN stays a UDP flow.
// VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe) sets P and names the payload in byte 3.

export const VXLAN_HEADER_LEN = 8;
export const VXLAN_FLAG_I = 0x08;
/** group-based policy extension */
export const VXLAN_FLAG_G = 0x80;
/** VXLAN-GPE: next-protocol byte present */
export const VXLAN_FLAG_P = 0x04;
/** VXLAN-GPE version (must be 0) */
export const VXLAN_GPE_VERSION_MASK = 0x30;
/** bits of a plain VXLAN flags byte that must be clear */
const VXLAN_RESERVED_FLAGS = 0xff & ~(VXLAN_FLAG_I | VXLAN_FLAG_G | VXLAN_FLAG_P);
export const VXLAN_GPE_NEXT_PROTOCOL = 3;
export const VxlanGpeNext = { Ipv4: 1, Ipv6: 2, Ethernet: 3 } as const;

export function decodeVxlan(p: DecodedPacket): number {
  const b = p.buf;
  const o = p.off;
  if (o >= p.end) return Layer.End;
  const flags = b[o]!;
  if ((flags & VXLAN_FLAG_I) === 0) return Layer.End;
  const gpe = (flags & VXLAN_FLAG_P) !== 0;
  if (gpe ? (flags & VXLAN_GPE_VERSION_MASK) !== 0 : (flags & VXLAN_RESERVED_FLAGS) !== 0) return Layer.End;
  if (p.end - o < VXLAN_HEADER_LEN) return shortUdpTunnel(p, o + VXLAN_HEADER_LEN, Anomaly.truncated_vxlan);
  if (b[o + 7]! !== 0) return Layer.End;
  let next: number = Layer.Ethernet;
  if (gpe) {
    switch (b[o + VXLAN_GPE_NEXT_PROTOCOL]!) {
      case VxlanGpeNext.Ipv4:
        next = Layer.Ipv4;
        break;
      case VxlanGpeNext.Ipv6:
        next = Layer.Ipv6;
        break;
      case VxlanGpeNext.Ethernet:
        next = Layer.Ethernet;
        break;
      default:
        return Layer.End; // NSH, MPLS, …: not decoded
    }
  }
  p.off = o + VXLAN_HEADER_LEN;
  return enterUdpTunnel(p, Tunnel.Vxlan, next, Anomaly.truncated_vxlan);
}
