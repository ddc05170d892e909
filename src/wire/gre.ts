import { Anomaly } from '../decode/anomaly.js';
import { EtherType, etherTypeLayer } from '../decode/dispatch.js';
import { Layer, Tunnel } from '../decode/layers.js';
import { type DecodedPacket } from '../decode/packet.js';
import { u16 } from './bytes.js';

// GRE (RFC 2784 / 2890, with the RFC 1701 routing field), PPTP's enhanced GRE (RFC 2637, version 1)
// and the ERSPAN headers GRE carries (types I, II and III).

export const GRE_HEADER_LEN = 4;
export const GRE_FLAG_CHECKSUM = 0x8000;
export const GRE_FLAG_ROUTING = 0x4000;
export const GRE_FLAG_KEY = 0x2000;
export const GRE_FLAG_SEQUENCE = 0x1000;
/** version 1 only: acknowledgement number present */
export const GRE_FLAG_ACK = 0x0080;
export const GRE_VERSION_MASK = 0x0007;
/** RFC 1701 source route entry: address family (2), SRE offset (1), SRE length (1), routing info */
export const GRE_SRE_HEADER_LEN = 4;
/** more source route entries than this is hostile input, not a real packet */
const MAX_GRE_SRES = 16;
/** enhanced GRE: flags/version, protocol, payload length, call id */
export const PPTP_GRE_HEADER_LEN = 8;

export function decodeGre(p: DecodedPacket): number {
  const b = p.buf;
  const o = p.off;
  if (p.end - o < GRE_HEADER_LEN) return p.weird(Anomaly.truncated_gre);
  const flags = u16(b, o);
  const proto = u16(b, o + 2);
  let q = o + GRE_HEADER_LEN;
  const version = flags & GRE_VERSION_MASK;
  if (version === 0) {
    // checksum and offset travel together (RFC 1701): either flag adds both
    if ((flags & (GRE_FLAG_CHECKSUM | GRE_FLAG_ROUTING)) !== 0) q += 4;
    if ((flags & GRE_FLAG_KEY) !== 0) q += 4;
    if ((flags & GRE_FLAG_SEQUENCE) !== 0) q += 4;
    if (q > p.end) return p.weird(Anomaly.truncated_gre);
    if ((flags & GRE_FLAG_ROUTING) !== 0) {
      // source route entries up to the null SRE (address family 0, length 0)
      for (let n = 0; ; n++) {
        if (n === MAX_GRE_SRES || p.end - q < GRE_SRE_HEADER_LEN) return p.weird(Anomaly.truncated_gre);
        const family = u16(b, q);
        const len = b[q + 3]!;
        q += GRE_SRE_HEADER_LEN + len;
        if (q > p.end) return p.weird(Anomaly.truncated_gre);
        if (family === 0 && len === 0) break;
      }
    }
  } else if (version === 1) {
    // PPTP: key (payload length + call id) always present, no checksum or routing, PPP inside
    if ((flags & (GRE_FLAG_CHECKSUM | GRE_FLAG_ROUTING | GRE_FLAG_KEY)) !== GRE_FLAG_KEY || proto !== EtherType.Ppp) {
      return p.weird(Anomaly.unsupported_gre_version);
    }
    if (p.end - o < PPTP_GRE_HEADER_LEN) return p.weird(Anomaly.truncated_gre);
    const payloadLen = u16(b, o + 4);
    q = o + PPTP_GRE_HEADER_LEN;
    if ((flags & GRE_FLAG_SEQUENCE) !== 0) q += 4;
    if ((flags & GRE_FLAG_ACK) !== 0) q += 4;
    if (q > p.end) return p.weird(Anomaly.truncated_gre);
    p.off = q;
    if (payloadLen === 0) return Layer.End; // acknowledgement without data
    if (q + payloadLen < p.end) p.end = q + payloadLen;
  } else {
    return p.weird(Anomaly.unsupported_gre_version);
  }
  p.off = q;

  // the EtherType table has no entries for the three GRE-only protocol types: they are handled here
  let next: number;
  let kind: number = Tunnel.Gre;
  switch (proto) {
    case EtherType.TransparentEthernet:
      next = Layer.Ethernet;
      break;
    case EtherType.Erspan2:
      // without a GRE sequence number this is ERSPAN type I: the mirrored frame follows directly
      if ((flags & GRE_FLAG_SEQUENCE) !== 0) return Layer.Erspan2;
      next = Layer.Ethernet;
      kind = Tunnel.Erspan;
      break;
    case EtherType.Erspan3:
      return Layer.Erspan3;
    default:
      next = etherTypeLayer[proto]!;
  }
  if (next === Layer.End) return Layer.End; // keepalive or a payload sonde does not decode
  if (q >= p.end) return p.ipEnd > p.end ? p.weird(Anomaly.truncated_gre) : Layer.End;
  if (!p.enterTunnel(kind)) return p.weird(Anomaly.tunnel_too_deep);
  return next;
}

// ERSPAN enters the tunnel itself, once its header checked out, so that the flow is marked
// Tunnel.Erspan; an ERSPAN session inside another tunnel keeps the outer kind (enterTunnel keeps
// the first kind it was given).

/** ERSPAN type II: version, VLAN, COS, encapsulation, truncated bit, session id, index */
export const ERSPAN2_HEADER_LEN = 8;
/** ERSPAN type III: type II's first word, timestamp, then SGT, P, frame type, hardware id, D, granularity, O */
export const ERSPAN3_HEADER_LEN = 12;
export const ERSPAN3_PLATFORM_SUBHEADER_LEN = 8;
export const ERSPAN3_FRAME_TYPE_ETHERNET = 0;
export const ERSPAN3_FRAME_TYPE_IP = 2;

export function decodeErspan2(p: DecodedPacket): number {
  const o = p.off;
  if (p.end - o < ERSPAN2_HEADER_LEN) return p.weird(Anomaly.truncated_erspan);
  p.off = o + ERSPAN2_HEADER_LEN;
  // the VLAN field is the mirrored port's VLAN, not a tag on this packet: p.vlan is left alone
  return enterErspan(p, Layer.Ethernet);
}

export function decodeErspan3(p: DecodedPacket): number {
  const b = p.buf;
  const o = p.off;
  if (p.end - o < ERSPAN3_HEADER_LEN) return p.weird(Anomaly.truncated_erspan);
  let q = o + ERSPAN3_HEADER_LEN;
  if ((b[o + 11]! & 0x01) !== 0) {
    q += ERSPAN3_PLATFORM_SUBHEADER_LEN;
    if (q > p.end) return p.weird(Anomaly.truncated_erspan);
  }
  p.off = q;
  const frameType = (b[o + 10]! >> 2) & 0x1f;
  if (frameType === ERSPAN3_FRAME_TYPE_ETHERNET) return enterErspan(p, Layer.Ethernet);
  if (frameType !== ERSPAN3_FRAME_TYPE_IP) return Layer.End;
  const ipVersion = q < p.end ? b[q]! >> 4 : 0;
  return enterErspan(p, ipVersion === 4 ? Layer.Ipv4 : ipVersion === 6 ? Layer.Ipv6 : Layer.End);
}

function enterErspan(p: DecodedPacket, next: number): number {
  if (p.off >= p.end) return p.ipEnd > p.end ? p.weird(Anomaly.truncated_erspan) : Layer.End;
  if (next === Layer.End) return Layer.End;
  if (!p.enterTunnel(Tunnel.Erspan)) return p.weird(Anomaly.tunnel_too_deep);
  return next;
}
