import { Anomaly } from '../decode/anomaly.js';
import { EtherType } from '../decode/dispatch.js';
import { Layer, Tunnel } from '../decode/layers.js';
import { type DecodedPacket } from '../decode/packet.js';
import { u16 } from './bytes.js';
import { enterUdpTunnel, shortUdpTunnel } from './udp-tunnel.js';

// Geneve (RFC 8926, UDP 6081): version (2 bits, 0) and options length (6 bits, in 4-byte words),
// O/C flags, protocol type (an EtherType), 24-bit VNI, reserved byte, then the options.

export const GENEVE_HEADER_LEN = 8;
export const GENEVE_PROTOCOL = 2;

export function decodeGeneve(p: DecodedPacket): number {
  const b = p.buf;
  const o = p.off;
  if (o >= p.end) return Layer.End;
  if (b[o]! >> 6 !== 0) return Layer.End;
  if (p.end - o < GENEVE_HEADER_LEN) {
    if (p.end - o >= GENEVE_PROTOCOL + 2 && protocolLayer(u16(b, o + GENEVE_PROTOCOL)) === Layer.End) return Layer.End;
    return shortUdpTunnel(p, o + GENEVE_HEADER_LEN, Anomaly.truncated_geneve);
  }
  const next = protocolLayer(u16(b, o + GENEVE_PROTOCOL));
  if (next === Layer.End) return Layer.End;
  const headerLen = GENEVE_HEADER_LEN + ((b[o]! & 0x3f) << 2);
  if (o + headerLen > p.end) return shortUdpTunnel(p, o + headerLen, Anomaly.truncated_geneve);
  p.off = o + headerLen;
  return enterUdpTunnel(p, Tunnel.Geneve, next, Anomaly.truncated_geneve);
}

function protocolLayer(protocol: number): number {
  switch (protocol) {
    case EtherType.TransparentEthernet:
      return Layer.Ethernet;
    case EtherType.Ipv4:
      return Layer.Ipv4;
    case EtherType.Ipv6:
      return Layer.Ipv6;
    default:
      return Layer.End;
  }
}
