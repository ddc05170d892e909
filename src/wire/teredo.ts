import { Anomaly } from '../decode/anomaly.js';
import { Layer, Tunnel } from '../decode/layers.js';
import { type DecodedPacket } from '../decode/packet.js';
import { u16 } from './bytes.js';
import { udpDatagramEnd } from './udp-tunnel.js';

// Teredo (RFC 4380, UDP 3544): an optional authentication indicator (0x0001, client-id length,
// auth-value length, client id, auth value, 8-byte nonce, confirmation byte), an optional origin
// indication (0x0000, obfuscated port, obfuscated address), then an IPv6 packet. Port 3544 carries
// other things too, so the IPv6 header must fit the datagram exactly: version 6 and payload
// length + 40 equal to what the UDP datagram holds after the indicators, on the wire.

export const TEREDO_AUTH_MIN_LEN = 13;
export const TEREDO_ORIGIN_LEN = 8;
const IPV6_HEADER_LEN = 40;
const IPV6_PAYLOAD_LENGTH = 4;

export function decodeTeredo(p: DecodedPacket): number {
  const b = p.buf;
  let q = p.off;
  if (p.end - q >= 4 && b[q]! === 0x00 && b[q + 1]! === 0x01) {
    q += TEREDO_AUTH_MIN_LEN + b[q + 2]! + b[q + 3]!;
  }
  if (p.end - q >= 2 && b[q]! === 0x00 && b[q + 1]! === 0x00) q += TEREDO_ORIGIN_LEN;
  // enough of an IPv6 header to see its version and payload length
  if (p.end - q < IPV6_PAYLOAD_LENGTH + 2) return Layer.End;
  if (b[q]! >> 4 !== 6) return Layer.End;
  if (q + IPV6_HEADER_LEN + u16(b, q + IPV6_PAYLOAD_LENGTH) !== udpDatagramEnd(p)) return Layer.End;
  if (p.end - q < IPV6_HEADER_LEN) return p.weird(Anomaly.truncated_teredo); // cut by the capture
  p.off = q;
  if (!p.enterTunnel(Tunnel.Teredo)) return p.weird(Anomaly.tunnel_too_deep);
  return Layer.Ipv6;
}
