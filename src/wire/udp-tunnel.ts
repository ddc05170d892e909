import { Anomaly } from '../decode/anomaly.js';
import { Layer } from '../decode/layers.js';
import { type DecodedPacket } from '../decode/packet.js';

// Shared by the tunnels UDP hands off to by port (VXLAN, Geneve, GTP-U, CAPWAP, Teredo).
//
// A UDP port is only a hint. Whatever does not check out as the tunnel's header stays a plain UDP
// flow with its outer addresses and raises no anomaly (a DNS server on port 3544 is not Teredo).
// A header that checks out as far as the capture goes, but was cut by the capture while the
// datagram on the wire was long enough, raises the tunnel's truncated_* anomaly and also stays a
// UDP flow: enterTunnel is only called once the header is complete and an inner packet follows.

/**
 * End of the UDP datagram on the wire as the UDP and IP lengths claim it: `p.end` (the captured
 * end) or further when the capture was cut. Only meaningful right after decodeUdp.
 */
export function udpDatagramEnd(p: DecodedPacket): number {
  const end = p.payloadOffset + p.payloadLen;
  return end > p.end ? end : p.end;
}

/**
 * The capture ends before `needEnd`, where the tunnel header (or its inner packet) would end: a
 * truncated tunnel when the datagram on the wire reached that far, otherwise simply not this tunnel.
 */
export function shortUdpTunnel(p: DecodedPacket, needEnd: number, truncated: number): number {
  return udpDatagramEnd(p) >= needEnd ? p.weird(truncated) : Layer.End;
}

/**
 * Called once the tunnel header at the old `p.off` checked out and `p.off` points past it: enters the
 * tunnel when an inner packet follows. An inner IPv4/IPv6 packet must show its version nibble.
 */
export function enterUdpTunnel(p: DecodedPacket, kind: number, next: number, truncated: number): number {
  if (next === Layer.End) return Layer.End;
  if (p.off >= p.end) return shortUdpTunnel(p, p.off + 1, truncated);
  if (next === Layer.Ipv4 || next === Layer.Ipv6) {
    if (p.buf[p.off]! >> 4 !== (next === Layer.Ipv4 ? 4 : 6)) return Layer.End;
  }
  if (!p.enterTunnel(kind)) return p.weird(Anomaly.tunnel_too_deep);
  return next;
}
