import { Anomaly } from '../decode/anomaly.js';
import { ipProtocolLayer } from '../decode/dispatch.js';
import { Layer, Tunnel } from '../decode/layers.js';
import { type DecodedPacket } from '../decode/packet.js';
import { u16, u32 } from './bytes.js';

export const IPV4_MIN_HEADER_LEN = 20;
export const IPV4_VERSION_IHL = 0;
export const IPV4_TOTAL_LENGTH = 2;
export const IPV4_IDENTIFICATION = 4;
export const IPV4_FLAGS_FRAGMENT = 6;
export const IPV4_TTL = 8;
export const IPV4_PROTOCOL = 9;
export const IPV4_SRC = 12;
export const IPV4_DST = 16;
export const IPV4_MORE_FRAGMENTS = 0x2000;
export const IPV4_FRAGMENT_OFFSET_MASK = 0x1fff;

export function decodeIpv4(p: DecodedPacket): number {
  const b = p.buf;
  const o = p.off;
  if (p.end - o < IPV4_MIN_HEADER_LEN) return p.weird(Anomaly.truncated_ipv4);
  const versionIhl = b[o + IPV4_VERSION_IHL]!;
  if (versionIhl >> 4 !== 4) return p.weird(Anomaly.bad_ipv4_version);
  const headerLen = (versionIhl & 0x0f) << 2;
  if (headerLen < IPV4_MIN_HEADER_LEN) return p.weird(Anomaly.bad_ipv4_header_length);
  if (o + headerLen > p.end) return p.weird(Anomaly.truncated_ipv4);
  const totalLen = u16(b, o + IPV4_TOTAL_LENGTH);
  // total length 0 is what TSO-offloaded captures show: trust the capture length then
  if (totalLen !== 0) {
    if (totalLen < headerLen) return p.weird(Anomaly.bad_ipv4_header_length);
    const ipEnd = o + totalLen;
    if (ipEnd <= p.end) {
      p.end = ipEnd; // strip link-layer padding and trailers
    } else if (!p.snapTruncated) {
      // the header claims more than the whole frame holds: a malformed packet, kept out of flows
      // (as nDPI and Zeek do); a snap-length cut is normal input and is kept
      return p.weird(Anomaly.ip_length_exceeds_capture);
    }
    p.ipEnd = ipEnd;
  } else {
    p.ipEnd = p.end;
  }

  p.ipVersion = 4;
  p.ipOffset = o;
  p.ttl = b[o + IPV4_TTL]!;
  const addr = p.addr;
  addr[0] = u32(b, o + IPV4_SRC);
  addr[1] = 0;
  addr[2] = 0;
  addr[3] = 0;
  addr[4] = u32(b, o + IPV4_DST);
  addr[5] = 0;
  addr[6] = 0;
  addr[7] = 0;
  const proto = b[o + IPV4_PROTOCOL]!;
  p.l4Proto = proto;
  p.off = o + headerLen;

  const flagsFragment = u16(b, o + IPV4_FLAGS_FRAGMENT);
  if ((flagsFragment & (IPV4_MORE_FRAGMENTS | IPV4_FRAGMENT_OFFSET_MASK)) !== 0) {
    return p.fragments.addIpv4(p, o, headerLen, flagsFragment);
  }
  const next = ipProtocolLayer[proto]!;
  if (next === Layer.Ipv4 || next === Layer.Ipv6) {
    if (!p.enterTunnel(next === Layer.Ipv4 ? Tunnel.IpInIp : Tunnel.SixInFour)) return p.weird(Anomaly.tunnel_too_deep);
  }
  return next;
}
