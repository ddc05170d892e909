import { Anomaly } from '../decode/anomaly.js';
import { Layer } from '../decode/layers.js';
import { type DecodedPacket } from '../decode/packet.js';
import { u32, u32le } from './bytes.js';

// BSD loopback encapsulations: a 4-byte address family before the IP header.
// DLT_NULL (0) writes it in the byte order of the host that captured; DLT_LOOP (108, OpenBSD)
// always in network byte order. AF_INET6 differs between systems, so every known value is accepted.
export const BSD_LOOPBACK_HEADER_LEN = 4;

export const BsdAf = {
  Inet: 2,
  /** Linux */
  Inet6Linux: 10,
  /** NetBSD, OpenBSD, BSD/OS */
  Inet6Bsd: 24,
  /** FreeBSD, DragonFly BSD */
  Inet6FreeBsd: 28,
  /** macOS / Darwin */
  Inet6Darwin: 30,
} as const;

function layerForFamily(p: DecodedPacket, af: number): number {
  switch (af) {
    case BsdAf.Inet:
      return Layer.Ipv4;
    case BsdAf.Inet6Linux:
    case BsdAf.Inet6Bsd:
    case BsdAf.Inet6FreeBsd:
    case BsdAf.Inet6Darwin:
      return Layer.Ipv6;
    default:
      return p.weird(Anomaly.unknown_bsd_address_family);
  }
}

export function decodeBsdNull(p: DecodedPacket): number {
  const o = p.off;
  if (p.end - o < BSD_LOOPBACK_HEADER_LEN) return p.weird(Anomaly.truncated_link_header);
  // Address families are small numbers: read little-endian, and if that gives a large value the
  // capturing host was big-endian (the family sits in the last bytes).
  let af = u32le(p.buf, o);
  if (af > 0xffff) af = u32(p.buf, o);
  p.off = o + BSD_LOOPBACK_HEADER_LEN;
  return layerForFamily(p, af);
}

export function decodeBsdLoop(p: DecodedPacket): number {
  const o = p.off;
  if (p.end - o < BSD_LOOPBACK_HEADER_LEN) return p.weird(Anomaly.truncated_link_header);
  p.off = o + BSD_LOOPBACK_HEADER_LEN;
  return layerForFamily(p, u32(p.buf, o));
}
