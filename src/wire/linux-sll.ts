import { Anomaly } from '../decode/anomaly.js';
import { etherTypeLayer } from '../decode/dispatch.js';
import { Layer } from '../decode/layers.js';
import { type DecodedPacket } from '../decode/packet.js';
import { u16 } from './bytes.js';

// Linux "cooked" capture headers (`any` device, tun/ppp interfaces), DLT_LINUX_SLL and DLT_LINUX_SLL2.
//
// SLL (16 bytes):  packet type(2) ARPHRD type(2) address length(2) address(8) protocol(2)
// SLL2 (20 bytes): protocol(2) reserved(2) interface index(4) ARPHRD type(2) packet type(1)
//                  address length(1) address(8)
export const SLL_HEADER_LEN = 16;
export const SLL_ARPHRD = 2;
export const SLL_PROTOCOL = 14;
export const SLL2_HEADER_LEN = 20;
export const SLL2_PROTOCOL = 0;
export const SLL2_ARPHRD = 8;

/** ARPHRD_NETLINK: the payload is a netlink message, never IP */
export const ARPHRD_NETLINK = 824;
/** SLL protocol values below 0x0600 are Linux ETH_P_* pseudo-types, not EtherTypes */
export const SLL_P_802_2 = 0x0004;

function nextAfterSll(arphrd: number, protocol: number): number {
  if (arphrd === ARPHRD_NETLINK) return Layer.End;
  if (protocol === SLL_P_802_2) return Layer.Llc;
  // ETH_P_802_3 (Novell raw 802.3), CAN and the other pseudo-types are not IP: the table has 0 there
  return etherTypeLayer[protocol]!;
}

export function decodeLinuxSll(p: DecodedPacket): number {
  const o = p.off;
  if (p.end - o < SLL_HEADER_LEN) return p.weird(Anomaly.truncated_sll);
  const b = p.buf;
  p.off = o + SLL_HEADER_LEN;
  return nextAfterSll(u16(b, o + SLL_ARPHRD), u16(b, o + SLL_PROTOCOL));
}

export function decodeLinuxSll2(p: DecodedPacket): number {
  const o = p.off;
  if (p.end - o < SLL2_HEADER_LEN) return p.weird(Anomaly.truncated_sll);
  const b = p.buf;
  p.off = o + SLL2_HEADER_LEN;
  return nextAfterSll(u16(b, o + SLL2_ARPHRD), u16(b, o + SLL2_PROTOCOL));
}
