import { Layer } from './layers.js';

// Which layer follows which is data, not code inside the decoders (Zeek-style): users can
// override an entry (e.g. a VXLAN on a non-standard port) without touching a decoder.

/** EtherType → layer id (0: not decoded further) */
export const etherTypeLayer = new Uint8Array(65536);
/** IP protocol number → layer id; unlisted protocols become Layer.OtherL4 */
export const ipProtocolLayer = new Uint8Array(256);
/** UDP port → tunnel layer id; checked for the destination port first, then the source port */
export const udpPortLayer = new Uint8Array(65536);
/** PPP protocol number → layer id */
export const pppProtocolLayer = new Uint8Array(65536);
/** DLT / LINKTYPE number → first layer id */
export const linkTypeLayer = new Uint8Array(512);

export const EtherType = {
  Ipv4: 0x0800,
  Arp: 0x0806,
  Vlan: 0x8100,
  QinQ: 0x88a8,
  QinQOld: 0x9100,
  Ipv6: 0x86dd,
  MplsUnicast: 0x8847,
  MplsMulticast: 0x8848,
  PppoeSession: 0x8864,
  TransparentEthernet: 0x6558,
  Erspan2: 0x88be,
  Erspan3: 0x22eb,
  Ppp: 0x880b,
} as const;

export const IpProto = {
  HopByHop: 0,
  Icmp: 1,
  Igmp: 2,
  IpInIp: 4,
  Tcp: 6,
  Udp: 17,
  Ipv6: 41,
  Routing: 43,
  Fragment: 44,
  Gre: 47,
  Esp: 50,
  Ah: 51,
  Icmpv6: 58,
  NoNext: 59,
  DestOptions: 60,
  Sctp: 132,
  Mobility: 135,
  Hip: 139,
  Shim6: 140,
} as const;

export const LinkType = {
  Null: 0,
  Ethernet: 1,
  Ppp: 9,
  RawBsd12: 12,
  RawBsd14: 14,
  PppHdlc: 50,
  PppEther: 51,
  Raw: 101,
  CiscoHdlc: 104,
  Ieee80211: 105,
  Loop: 108,
  LinuxSll: 113,
  Prism: 119,
  Ieee80211Radiotap: 127,
  Ppi: 192,
  Ipv4: 228,
  Ipv6: 229,
  LinuxSll2: 276,
} as const;

export const LINK_TYPE_NAMES: Record<number, string> = {
  0: 'NULL', 1: 'EN10MB', 9: 'PPP', 12: 'RAW(12)', 14: 'RAW(14)', 50: 'PPP_HDLC', 51: 'PPP_ETHER', 101: 'RAW',
  104: 'C_HDLC', 105: 'IEEE802_11', 108: 'LOOP', 113: 'LINUX_SLL', 119: 'PRISM', 127: 'IEEE802_11_RADIOTAP',
  192: 'PPI', 228: 'IPV4', 229: 'IPV6', 276: 'LINUX_SLL2',
};

/**
 * The tunnels UDP hands off to by port, and whether sonde looks inside them by default. The
 * default follows what nDPI's reader reports in its tunnel mode (`ndpiReader -t`, the mode of
 * nDPI's own test corpus, whose flows carry the tunnel they came through), measured on captures
 * built from the specifications:
 * - GTP-U (2152): each G-PDU's inner IP packet is the flow; the path's own messages (echo, end
 *   marker, error indication) stay the outer UDP flow, which nDPI names GTP_U.
 * - CAPWAP data (5247): the 802.11 frames inside are the flows; keep-alives stay the outer flow.
 * - VXLAN (4789, and 4790 for VXLAN-GPE) and Geneve (6081): decapsulated as before; what carries
 *   no IP packet (ARP…) stays the outer flow.
 * - Teredo (3544): nDPI never looks inside; it names the outer UDP flow Teredo, so sonde's default
 *   does the same. `setUdpTunnelDecapsulation('teredo', true)` tracks the inner IPv6 flows instead.
 * Turning a tunnel off leaves its datagrams as outer UDP flows, as `ndpiReader` without -t does.
 */
export const UDP_TUNNELS = {
  vxlan: { layer: Layer.Vxlan, ports: [4789, 4790], byDefault: true },
  geneve: { layer: Layer.Geneve, ports: [6081], byDefault: true },
  gtpu: { layer: Layer.GtpU, ports: [2152], byDefault: true },
  capwap: { layer: Layer.Capwap, ports: [5247], byDefault: true },
  teredo: { layer: Layer.Teredo, ports: [3544], byDefault: false },
} as const;

export type UdpTunnelName = keyof typeof UDP_TUNNELS;

/**
 * Decapsulates one of UDP_TUNNELS on its IANA ports, or stops doing so. A table write done before
 * decoding starts: the per-packet path stays one array read. Process-wide, like the other tables
 * here (each worker thread has its own copy and must be told too).
 */
export function setUdpTunnelDecapsulation(name: UdpTunnelName, on: boolean): void {
  const t = UDP_TUNNELS[name];
  for (const port of t.ports) udpPortLayer[port] = on ? t.layer : Layer.End;
}

/** Decapsulates exactly the UDP tunnels named, each on its ports. */
export function useUdpTunnels(names: readonly UdpTunnelName[]): void {
  for (const name of Object.keys(UDP_TUNNELS) as UdpTunnelName[]) setUdpTunnelDecapsulation(name, names.includes(name));
}

/** whether `name` is decapsulated on its ports now */
export function udpTunnelDecapsulated(name: UdpTunnelName): boolean {
  const t = UDP_TUNNELS[name];
  return t.ports.every((port) => udpPortLayer[port] === t.layer);
}

function installDefaults(): void {
  etherTypeLayer[EtherType.Ipv4] = Layer.Ipv4;
  etherTypeLayer[EtherType.Ipv6] = Layer.Ipv6;
  etherTypeLayer[EtherType.Vlan] = Layer.Vlan;
  etherTypeLayer[EtherType.QinQ] = Layer.Vlan;
  etherTypeLayer[EtherType.QinQOld] = Layer.Vlan;
  etherTypeLayer[EtherType.MplsUnicast] = Layer.Mpls;
  etherTypeLayer[EtherType.MplsMulticast] = Layer.Mpls;
  etherTypeLayer[EtherType.PppoeSession] = Layer.PppoeSession;
  etherTypeLayer[EtherType.Ppp] = Layer.Ppp;

  ipProtocolLayer.fill(Layer.OtherL4);
  ipProtocolLayer[IpProto.Tcp] = Layer.Tcp;
  ipProtocolLayer[IpProto.Udp] = Layer.Udp;
  ipProtocolLayer[IpProto.Icmp] = Layer.Icmp;
  ipProtocolLayer[IpProto.Icmpv6] = Layer.Icmpv6;
  ipProtocolLayer[IpProto.Sctp] = Layer.Sctp;
  ipProtocolLayer[IpProto.Gre] = Layer.Gre;
  ipProtocolLayer[IpProto.IpInIp] = Layer.Ipv4;
  ipProtocolLayer[IpProto.Ipv6] = Layer.Ipv6;

  for (const name of Object.keys(UDP_TUNNELS) as UdpTunnelName[]) setUdpTunnelDecapsulation(name, UDP_TUNNELS[name].byDefault);

  pppProtocolLayer[0x0021] = Layer.Ipv4;
  pppProtocolLayer[0x0057] = Layer.Ipv6;
  pppProtocolLayer[0x0281] = Layer.Mpls;

  linkTypeLayer[LinkType.Null] = Layer.BsdNull;
  linkTypeLayer[LinkType.Ethernet] = Layer.Ethernet;
  linkTypeLayer[LinkType.Ppp] = Layer.Ppp;
  linkTypeLayer[LinkType.RawBsd12] = Layer.RawIp;
  linkTypeLayer[LinkType.RawBsd14] = Layer.RawIp;
  linkTypeLayer[LinkType.PppHdlc] = Layer.PppHdlc;
  linkTypeLayer[LinkType.PppEther] = Layer.PppoeSession;
  linkTypeLayer[LinkType.Raw] = Layer.RawIp;
  linkTypeLayer[LinkType.CiscoHdlc] = Layer.CiscoHdlc;
  linkTypeLayer[LinkType.Ieee80211] = Layer.Ieee80211;
  linkTypeLayer[LinkType.Loop] = Layer.BsdLoop;
  linkTypeLayer[LinkType.LinuxSll] = Layer.LinuxSll;
  linkTypeLayer[LinkType.Prism] = Layer.Ieee80211Prism;
  linkTypeLayer[LinkType.Ieee80211Radiotap] = Layer.Radiotap;
  linkTypeLayer[LinkType.Ppi] = Layer.Ppi;
  linkTypeLayer[LinkType.Ipv4] = Layer.Ipv4;
  linkTypeLayer[LinkType.Ipv6] = Layer.Ipv6;
  linkTypeLayer[LinkType.LinuxSll2] = Layer.LinuxSll2;
}

installDefaults();

/** Maps a UDP port to a tunnel decoder, e.g. `--tunnel-port vxlan:8472`. */
export function setUdpTunnelPort(port: number, layer: number): void {
  udpPortLayer[port] = layer;
}
