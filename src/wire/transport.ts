import { Anomaly } from '../decode/anomaly.js';
import { udpPortLayer } from '../decode/dispatch.js';
import { Layer } from '../decode/layers.js';
import { type DecodedPacket } from '../decode/packet.js';
import { u16, u32 } from './bytes.js';

// The transports that end the layer stack of a flow: TCP, UDP, ICMP/ICMPv6, SCTP, and any other
// IP protocol (kept by number, ports 0).

export const TCP_MIN_HEADER_LEN = 20;
export const TCP_SRC_PORT = 0;
export const TCP_DST_PORT = 2;
export const TCP_SEQ = 4;
export const TCP_ACK = 8;
export const TCP_DATA_OFFSET = 12;
export const TCP_FLAGS = 13;
export const TCP_WINDOW = 14;

export const TcpFlag = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80 } as const;

export function decodeTcp(p: DecodedPacket): number {
  const b = p.buf;
  const o = p.off;
  p.l4Offset = o;
  // an incomplete header leaves the ports unknown (0), as nDPI keys such packets: the bytes that
  // look like ports may belong to a tiny-fragment trick (RFC 1858)
  if (p.end - o < TCP_MIN_HEADER_LEN) return p.weird(Anomaly.truncated_tcp);
  p.sport = u16(b, o + TCP_SRC_PORT);
  p.dport = u16(b, o + TCP_DST_PORT);
  p.tcpSeq = u32(b, o + TCP_SEQ);
  p.tcpAck = u32(b, o + TCP_ACK);
  p.tcpFlags = b[o + TCP_FLAGS]!;
  p.tcpWindow = u16(b, o + TCP_WINDOW);
  const headerLen = (b[o + TCP_DATA_OFFSET]! >> 4) << 2;
  if (headerLen < TCP_MIN_HEADER_LEN) return p.weird(Anomaly.bad_tcp_header_length);
  const payload = o + headerLen;
  if (payload > p.end) {
    if (!p.snapTruncated) return p.weird(Anomaly.bad_tcp_header_length);
    p.payloadOffset = p.end;
    p.payloadLen = Math.max(0, p.ipEnd - payload);
    return Layer.End;
  }
  p.payloadOffset = payload;
  p.payloadLen = Math.max(0, p.ipEnd - payload);
  return Layer.End;
}

export const UDP_HEADER_LEN = 8;
export const UDP_LENGTH = 4;

export function decodeUdp(p: DecodedPacket): number {
  const b = p.buf;
  const o = p.off;
  p.l4Offset = o;
  if (p.end - o < UDP_HEADER_LEN) return p.weird(Anomaly.truncated_udp);
  const sport = u16(b, o);
  const dport = u16(b, o + 2);
  p.sport = sport;
  p.dport = dport;
  if (p.partialFragment) {
    // the UDP length covers the whole datagram, not this fragment; tunnels wait for reassembly
    p.payloadOffset = o + UDP_HEADER_LEN;
    p.payloadLen = Math.max(0, p.ipEnd - p.payloadOffset);
    return Layer.End;
  }
  const udpLen = u16(b, o + UDP_LENGTH);
  let end = p.ipEnd;
  if (udpLen >= UDP_HEADER_LEN && o + udpLen <= end) {
    end = o + udpLen;
    if (end < p.end) p.end = end;
  } else if (udpLen !== 0) {
    // length 0 is legal for jumbograms; anything else out of range is a lie we note and ignore
    p.weird(Anomaly.bad_udp_length);
  }
  p.payloadOffset = o + UDP_HEADER_LEN;
  p.payloadLen = end - p.payloadOffset;
  p.off = p.payloadOffset;
  const tunnel = udpPortLayer[dport] || udpPortLayer[sport];
  return tunnel!;
}

export const ICMP_HEADER_LEN = 4;

export function decodeIcmp(p: DecodedPacket): number {
  const o = p.off;
  p.l4Offset = o;
  if (p.end - o < ICMP_HEADER_LEN) return p.weird(Anomaly.truncated_icmp);
  p.icmpType = p.buf[o]!;
  p.icmpCode = p.buf[o + 1]!;
  p.payloadOffset = o + ICMP_HEADER_LEN;
  p.payloadLen = Math.max(0, p.ipEnd - p.payloadOffset);
  return Layer.End;
}

export const SCTP_COMMON_HEADER_LEN = 12;

export function decodeSctp(p: DecodedPacket): number {
  const o = p.off;
  p.l4Offset = o;
  if (p.end - o < SCTP_COMMON_HEADER_LEN) return p.weird(Anomaly.truncated_sctp);
  p.sport = u16(p.buf, o);
  p.dport = u16(p.buf, o + 2);
  p.payloadOffset = o + SCTP_COMMON_HEADER_LEN;
  p.payloadLen = Math.max(0, p.ipEnd - p.payloadOffset);
  return Layer.End;
}

/** Any IP protocol sonde does not decode further (IGMP, ESP, OSPF, VRRP…): a flow with ports 0. */
export function decodeOtherL4(p: DecodedPacket): number {
  p.l4Offset = p.off;
  p.payloadOffset = p.off;
  p.payloadLen = Math.max(0, p.ipEnd - p.off);
  return Layer.End;
}
