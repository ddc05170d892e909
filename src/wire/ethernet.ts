import { Anomaly } from '../decode/anomaly.js';
import { etherTypeLayer } from '../decode/dispatch.js';
import { Layer } from '../decode/layers.js';
import { type DecodedPacket } from '../decode/packet.js';
import { u16 } from './bytes.js';

// Ethernet II / 802.3 and 802.1Q/802.1ad tags.
export const ETHERNET_HEADER_LEN = 14;
export const ETHERNET_TYPE = 12;
export const VLAN_TAG_LEN = 4;
/** EtherType values up to this are 802.3 length fields: an LLC header follows */
export const MAX_8023_LENGTH = 1500;

export function decodeEthernet(p: DecodedPacket): number {
  const o = p.off;
  if (p.end - o < ETHERNET_HEADER_LEN) return p.weird(Anomaly.truncated_link_header);
  const type = u16(p.buf, o + ETHERNET_TYPE);
  p.off = o + ETHERNET_HEADER_LEN;
  if (type <= MAX_8023_LENGTH) return Layer.Llc;
  return etherTypeLayer[type]!;
}

/** 802.1Q / QinQ tag: TCI (PCP, DEI, VID) then the encapsulated EtherType. The innermost VID wins. */
export function decodeVlan(p: DecodedPacket): number {
  const o = p.off;
  if (p.end - o < VLAN_TAG_LEN) return p.weird(Anomaly.truncated_vlan);
  p.vlan = u16(p.buf, o) & 0x0fff;
  const type = u16(p.buf, o + 2);
  p.off = o + VLAN_TAG_LEN;
  if (type <= MAX_8023_LENGTH) return Layer.Llc;
  return etherTypeLayer[type]!;
}

/** DLT_RAW and friends: the first nibble says which IP version starts the packet. */
export function decodeRawIp(p: DecodedPacket): number {
  if (p.end - p.off < 1) return p.weird(Anomaly.truncated_link_header);
  const version = p.buf[p.off]! >> 4;
  if (version === 4) return Layer.Ipv4;
  if (version === 6) return Layer.Ipv6;
  return p.weird(Anomaly.bad_ipv4_version);
}
