// Numeric layer ids: decoders name the next layer by id (gopacket-style) and the decode loop
// dispatches through an array, never a string map.

export const Layer = {
  End: 0,
  Ethernet: 1,
  Vlan: 2,
  Mpls: 3,
  PppoeSession: 4,
  Ppp: 5,
  PppHdlc: 6,
  CiscoHdlc: 7,
  LinuxSll: 8,
  LinuxSll2: 9,
  BsdNull: 10,
  BsdLoop: 11,
  RawIp: 12,
  Ipv4: 13,
  Ipv6: 14,
  Tcp: 15,
  Udp: 16,
  Icmp: 17,
  Icmpv6: 18,
  Sctp: 19,
  Gre: 20,
  Erspan2: 21,
  Erspan3: 22,
  Vxlan: 23,
  Geneve: 24,
  GtpU: 25,
  Capwap: 26,
  Teredo: 27,
  Ppi: 28,
  Radiotap: 29,
  Ieee80211: 30,
  Llc: 31,
  OtherL4: 32,
  Ieee80211Prism: 33,
  EthernetNoFcsCheck: 34,
} as const;

export type LayerId = (typeof Layer)[keyof typeof Layer];
export const LAYER_COUNT = 35;

/** Tunnel kinds recorded on a flow: the outermost encapsulation that carried its inner IP header. */
export const Tunnel = {
  None: 0,
  Gre: 1,
  Erspan: 2,
  Vxlan: 3,
  Geneve: 4,
  Gtp: 5,
  Capwap: 6,
  IpInIp: 7,
  SixInFour: 8,
  FourInSix: 9,
  Teredo: 10,
  SixInSix: 11,
} as const;

export const TUNNEL_NAMES: readonly (string | null)[] = [
  null, 'GRE', 'ERSPAN', 'VXLAN', 'Geneve', 'GTP', 'CAPWAP', 'IPinIP', '6in4', '4in6', 'Teredo', '6in6',
];
