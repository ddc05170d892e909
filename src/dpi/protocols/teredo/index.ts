import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// Teredo (RFC 4380, UDP 3544): IPv6 over UDP through NATs. The outer flow is a client's path to its
// Teredo server or relay. nDPI's reader names that flow Teredo and never looks inside (measured with
// and without -t), and sonde does the same by default (decode/dispatch.ts: the Teredo decoder is
// off; setUdpTunnelDecapsulation('teredo', true) tracks the inner IPv6 flows instead).
//
// A datagram (§5.1.1): an optional authentication indicator (0x0001, client identifier length,
// authentication value length, the identifier, the value, an 8-octet nonce, a confirmation octet),
// an optional origin indication (0x0000, obfuscated port, obfuscated IPv4 address), then one IPv6
// packet: version 6, and a payload length that makes it end where the datagram ends. A bubble
// (§2.8) is an IPv6 header with no payload and next header 59; qualification (§5.2.1) is a router
// solicitation (ICMPv6 133) answered by a router advertisement (134).

const TEREDO_PORT = 3544;
const AUTH_FIXED = 13; // indicator type, two lengths, nonce, confirmation
const ORIGIN_LEN = 8;
const IPV6_HEADER = 40;
const NO_NEXT_HEADER = 59;
const ICMPV6 = 58;

export const TeredoMessage = { Bubble: 1, RouterSolicitation: 2, RouterAdvertisement: 3, Ipv6: 4 } as const;
const MESSAGE_NAMES = ['', 'bubble', 'router_solicitation', 'router_advertisement', 'ipv6'] as const;

/** The kind of Teredo datagram `d[off..off+len)` is (TeredoMessage), or 0. Allocates nothing. */
export function teredoMessage(d: Uint8Array, off: number, len: number): number {
  const end = off + len;
  let q = off;
  if (end - q >= 4 && d[q] === 0x00 && d[q + 1] === 0x01) q += AUTH_FIXED + d[q + 2]! + d[q + 3]!;
  if (end - q >= 2 && d[q] === 0x00 && d[q + 1] === 0x00) q += ORIGIN_LEN;
  if (end - q < IPV6_HEADER || d[q]! >> 4 !== 6) return 0;
  const payload = u16be(d, q + 4);
  if (q + IPV6_HEADER + payload !== end) return 0;
  const next = d[q + 6]!;
  if (next === NO_NEXT_HEADER) return payload === 0 ? TeredoMessage.Bubble : 0;
  if (next === ICMPV6 && payload >= 8) {
    // ICMPv6 (RFC 4443) and neighbour discovery (RFC 4861 §4.1, §4.2): code 0
    const type = d[q + IPV6_HEADER]!;
    if (type === 133 && d[q + IPV6_HEADER + 1] === 0) return TeredoMessage.RouterSolicitation;
    if (type === 134 && d[q + IPV6_HEADER + 1] === 0 && payload >= 16) return TeredoMessage.RouterAdvertisement;
  }
  return TeredoMessage.Ipv6;
}

export default defineDissector<{ n: number }>({
  name: 'teredo',
  // no port guess: nDPI's reader leaves a datagram on 3544 that is not Teredo Unknown (measured)
  protocols: [{ name: 'Teredo', category: 'Network', kind: 'protocol', description: 'Teredo, IPv6 tunnelled over UDP through NATs (RFC 4380), UDP 3544' }],
  transports: Transport.Udp,
  // an indicator (0x00) or the IPv6 version nibble
  firstBytes: [0x00, 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
  maxPackets: 2,
  fields: [
    { name: 'message', type: 'string', description: "the first datagram: 'bubble', 'router_solicitation', 'router_advertisement' (qualification) or 'ipv6' (a tunnelled packet)" },
  ],
  probe(d, off, len, ctx) {
    return (ctx.serverPort === TEREDO_PORT || ctx.clientPort === TEREDO_PORT) && teredoMessage(d, off, len) !== 0;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const m = teredoMessage(d, off, len);
    if (m === 0) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Teredo'));
    ctx.setField('message', MESSAGE_NAMES[m]);
    return Verdict.Done;
  },
});
