import { Anomaly } from '../decode/anomaly.js';
import { IpProto, ipProtocolLayer } from '../decode/dispatch.js';
import { Layer, Tunnel } from '../decode/layers.js';
import { type DecodedPacket } from '../decode/packet.js';
import { u16, u32 } from './bytes.js';

export const IPV6_HEADER_LEN = 40;
export const IPV6_PAYLOAD_LENGTH = 4;
export const IPV6_NEXT_HEADER = 6;
export const IPV6_HOP_LIMIT = 7;
export const IPV6_SRC = 8;
export const IPV6_DST = 24;
export const IPV6_FRAGMENT_HEADER_LEN = 8;
/** more extension headers than this is hostile input, not a real packet */
const MAX_EXTENSION_HEADERS = 16;

export function decodeIpv6(p: DecodedPacket): number {
  const b = p.buf;
  const o = p.off;
  if (p.end - o < IPV6_HEADER_LEN) return p.weird(Anomaly.truncated_ipv6);
  if (b[o]! >> 4 !== 6) return p.weird(Anomaly.bad_ipv6_version);
  const payloadLen = u16(b, o + IPV6_PAYLOAD_LENGTH);
  // payload length 0 is a jumbogram or a TSO capture: trust the capture length then
  if (payloadLen !== 0) {
    const ipEnd = o + IPV6_HEADER_LEN + payloadLen;
    if (ipEnd <= p.end) p.end = ipEnd;
    else if (!p.snapTruncated) return p.weird(Anomaly.ip_length_exceeds_capture);
    p.ipEnd = ipEnd;
  } else {
    p.ipEnd = p.end;
  }
  p.ipVersion = 6;
  p.ipOffset = o;
  p.ttl = b[o + IPV6_HOP_LIMIT]!;
  const addr = p.addr;
  for (let i = 0; i < 4; i++) {
    addr[i] = u32(b, o + IPV6_SRC + i * 4);
    addr[4 + i] = u32(b, o + IPV6_DST + i * 4);
  }

  let next = b[o + IPV6_NEXT_HEADER]!;
  let off = o + IPV6_HEADER_LEN;
  for (let n = 0; n < MAX_EXTENSION_HEADERS; n++) {
    switch (next) {
      case IpProto.HopByHop:
      case IpProto.Routing:
      case IpProto.DestOptions:
      case IpProto.Mobility:
      case IpProto.Hip:
      case IpProto.Shim6: {
        if (p.end - off < 8) return p.weird(Anomaly.truncated_ipv6_extension);
        const len = (b[off + 1]! + 1) << 3;
        next = b[off]!;
        off += len;
        if (off > p.end) return p.weird(Anomaly.truncated_ipv6_extension);
        continue;
      }
      case IpProto.Ah: {
        if (p.end - off < 8) return p.weird(Anomaly.truncated_ipv6_extension);
        const len = (b[off + 1]! + 2) << 2;
        next = b[off]!;
        off += len;
        if (off > p.end) return p.weird(Anomaly.truncated_ipv6_extension);
        continue;
      }
      case IpProto.Fragment: {
        if (p.end - off < IPV6_FRAGMENT_HEADER_LEN) return p.weird(Anomaly.truncated_ipv6_extension);
        const fragmentField = u16(b, off + 2);
        const offsetUnits = fragmentField >> 3;
        const more = fragmentField & 1;
        if (offsetUnits === 0 && more === 0) {
          // atomic fragment (RFC 6946): nothing to reassemble
          next = b[off]!;
          off += IPV6_FRAGMENT_HEADER_LEN;
          continue;
        }
        p.l4Proto = b[off]!;
        p.off = off;
        return p.fragments.addIpv6(p, o, off);
      }
    }
    break;
  }
  p.l4Proto = next;
  p.off = off;
  if (next === IpProto.NoNext) return Layer.End;
  const layer = ipProtocolLayer[next]!;
  if (layer === Layer.Ipv4 || layer === Layer.Ipv6) {
    if (!p.enterTunnel(layer === Layer.Ipv4 ? Tunnel.FourInSix : Tunnel.SixInSix)) return p.weird(Anomaly.tunnel_too_deep);
  }
  return layer;
}
