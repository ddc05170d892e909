// Rewrites one captured frame for `sonde anonymize`: every IPv4 and IPv6 address replaced by its
// Crypto-PAn pseudonym (IP headers, ARP, the headers quoted in ICMP errors, IPv6 neighbour
// discovery targets, the inner packets of IP-in-IP, GRE, VXLAN, Geneve, GTP-U and Teredo
// tunnels, and DNS A/AAAA answers when payload is kept), MAC addresses by a keyed hash, and the
// payload after the last header dropped or cut (headers keep their length fields, so flow sizes
// survive). Checksums are updated for every changed byte (RFC 1624), so one that was right stays
// right over the original payload, whether or not the payload is kept.
//
// Pure: a frame in, a new frame out; a layer it cannot follow ends the walk, and in drop mode
// everything after the last header it understood is left out.

import { type Pseudonymizer } from './pseudonymizer.js';

/** what stays of each packet's payload: none, all of it, or its first N bytes */
export type PayloadPolicy = 'drop' | 'keep' | number;

const LINK_ETHERNET = 1;
const LINK_NULL = 0;
const LINK_LOOP = 108;
const LINK_RAW = 101;
const LINK_IPV4 = 228;
const LINK_IPV6 = 229;
const LINK_SLL = 113;
const LINK_SLL2 = 276;
const LINK_RAW_OPENBSD = 12;
const LINK_RAW_ALT = 14;
const LINK_CISCO_HDLC = 104;
const LINK_PPI = 192;
const LINK_PPP = 9;
/** the decoder follows 4 nested tunnels; with quoted headers (ICMP errors) a frame holds a few more */
const MAX_IP_HEADERS = 12;
const LINK_PPP_HDLC = 50;

const UDP_VXLAN = 4789;
const UDP_GENEVE = 6081;
const UDP_GTP_U = 2152;
const UDP_TEREDO = 3544;
/** CAPWAP data channel (RFC 5415) */
const UDP_CAPWAP_DATA = 5247;
const DNS_PORTS = new Set([53, 5353, 5355]);

export class TraceAnonymizer {
  /** frames whose layers it could not follow to the end (kept up to the last header it understood) */
  unparsed = 0;
  /** IP headers met in this frame (tunnels, quoted headers): bounded, as the recursion through them is */
  private ipHeaders = 0;
  /** the frame was captured whole (its captured length is its length on the wire) */
  private wholeFrame = true;
  /**
   * The last frame, captured whole, has an IP header claiming more bytes than it holds: a
   * malformed packet, which readers keep out of flows. Written with its cut length as its length
   * on the wire, it stays malformed; with the original length it would pass for a snap-length cut.
   */
  malformedLength = false;

  constructor(private readonly pseudonyms: Pseudonymizer, private readonly payload: PayloadPolicy = 'drop') {}

  /** the anonymised copy of a frame (shorter when payload is dropped) */
  frame(buf: Uint8Array, offset: number, capLen: number, linkType: number, wireLen = capLen): Uint8Array {
    const out = buf.slice(offset, offset + capLen);
    this.wholeFrame = capLen >= wireLen;
    this.malformedLength = false;
    this.ipHeaders = 0;
    const end = this.link(out, linkType);
    return end < out.length ? out.subarray(0, end) : out;
  }

  // --- layers: each returns where the frame may be cut (the end of what may be kept)

  private link(f: Uint8Array, linkType: number, p = 0): number {
    const n = f.length;
    switch (linkType) {
      case LINK_ETHERNET:
        return this.ethernet(f, p, n);
      case LINK_RAW:
      case LINK_RAW_OPENBSD:
      case LINK_RAW_ALT:
        return n > p ? this.ip(f, p, n, f[p]! >> 4) : p;
      case LINK_IPV4:
        return this.ipv4(f, p, n);
      case LINK_IPV6:
        return this.ipv6(f, p, n);
      case LINK_NULL:
      case LINK_LOOP: {
        if (n - p < 4) return this.unknown(n);
        // the address family, in the capturing host's byte order: 2 is IPv4, 24/28/30 are IPv6
        const family = f[p] === 0 && f[p + 1] === 0 ? f[p + 3]! : f[p]!;
        return family === 2 ? this.ipv4(f, p + 4, n) : family === 24 || family === 28 || family === 30 ? this.ipv6(f, p + 4, n) : this.unknown(p + 4);
      }
      case LINK_SLL:
        if (n - p < 16) return this.unknown(n);
        return this.ethertype(f, p + 16, n, (f[p + 14]! << 8) | f[p + 15]!);
      case LINK_SLL2:
        if (n - p < 20) return this.unknown(n);
        return this.ethertype(f, p + 20, n, (f[p]! << 8) | f[p + 1]!);
      case LINK_PPP:
      case LINK_PPP_HDLC:
        // Cisco HDLC framing (address 0x0f unicast, 0x8f broadcast) is also seen under these link types
        if (n - p >= 4 && (f[p] === 0x0f || f[p] === 0x8f)) return this.ethertype(f, p + 4, n, (f[p + 2]! << 8) | f[p + 3]!);
        return this.ppp(f, p, n);
      case LINK_CISCO_HDLC:
        // address, control, then an EtherType-valued protocol; SLARP (0x8035) carries the router's
        // address and mask, and is cut after the header like any protocol not followed
        if (n - p < 4) return this.unknown(n);
        return this.ethertype(f, p + 4, n, (f[p + 2]! << 8) | f[p + 3]!);
      case LINK_PPI: {
        // PPI (CACE): version, flags, header length and the inner frame's link type, little-endian
        if (n - p < 8) return this.unknown(n);
        const length = f[p + 2]! | (f[p + 3]! << 8);
        const inner = (f[p + 4]! | (f[p + 5]! << 8) | (f[p + 6]! << 16) | (f[p + 7]! << 24)) >>> 0;
        if (length < 8 || p + length > n || inner === LINK_PPI) return this.unknown(n);
        return this.link(f, inner, p + length);
      }
      default:
        return this.unknown(p);
    }
  }

  private unknown(keepTo: number): number {
    this.unparsed++;
    return this.payload === 'drop' ? keepTo : Number.MAX_SAFE_INTEGER;
  }

  private ethernet(f: Uint8Array, p: number, end: number): number {
    if (end - p < 14) return this.unknown(end);
    this.mac(f, p);
    this.mac(f, p + 6);
    return this.ethertype(f, p + 14, end, (f[p + 12]! << 8) | f[p + 13]!);
  }

  private ethertype(f: Uint8Array, p: number, end: number, type: number): number {
    while ((type === 0x8100 || type === 0x88a8 || type === 0x9100) && end - p >= 4) {
      type = (f[p + 2]! << 8) | f[p + 3]!;
      p += 4;
    }
    switch (type) {
      case 0x0800: return this.ipv4(f, p, end);
      case 0x86dd: return this.ipv6(f, p, end);
      case 0x0806: return this.arp(f, p, end);
      case 0x8100: case 0x88a8: case 0x9100:
        return this.unknown(end); // a tag cut short
      case 0x8864: return end - p >= 6 ? this.ppp(f, p + 6, end) : this.unknown(end); // PPPoE session header (RFC 2516)
      case 0x8847: case 0x8848: return this.mpls(f, p, end);
      case 0x6558: return this.ethernet(f, p, end);
      case 0x880b: return this.ppp(f, p, end);
      case 0x88be: return end - p >= 8 ? this.ethernet(f, p + 8, end) : this.unknown(end); // ERSPAN type II
      case 0x22eb: return this.erspan3(f, p, end);
      default: return this.unknown(p);
    }
  }

  /** MPLS labels to the bottom of the stack, then IP, or Ethernet after an optional pseudowire control word (RFC 4385) */
  private mpls(f: Uint8Array, p: number, end: number): number {
    let q = p;
    for (let n = 0; n < 16; n++) {
      if (end - q < 4) return this.unknown(end);
      const bottom = f[q + 2]! & 1;
      q += 4;
      if (bottom) {
        if (q >= end) return this.unknown(end);
        const nibble = f[q]! >> 4;
        if (nibble === 4 || nibble === 6) return this.ip(f, q, end, nibble);
        if (nibble !== 0) return this.unknown(q);
        const known = (at: number): boolean => at + 2 <= end && [0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8, 0x8847].includes((f[at]! << 8) | f[at + 1]!);
        return this.ethernet(f, !known(q + 16) && known(q + 12) ? q : q + 4, end);
      }
    }
    return this.unknown(q);
  }

  /** ERSPAN type III: 12 bytes, 8 more with the platform sub-header, then Ethernet or IP */
  private erspan3(f: Uint8Array, p: number, end: number): number {
    if (end - p < 12) return this.unknown(end);
    const q = p + 12 + ((f[p + 11]! & 1) !== 0 ? 8 : 0);
    if (q > end) return this.unknown(end);
    const frameType = (f[p + 10]! >> 2) & 0x1f;
    if (frameType === 0) return this.ethernet(f, q, end);
    return q < end ? this.ip(f, q, end, f[q]! >> 4) : this.unknown(end);
  }

  private ip(f: Uint8Array, p: number, end: number, version: number): number {
    return version === 4 ? this.ipv4(f, p, end) : version === 6 ? this.ipv6(f, p, end) : this.unknown(p);
  }

  private arp(f: Uint8Array, p: number, end: number): number {
    if (end - p < 8) return this.unknown(end);
    const hlen = f[p + 4]!, plen = f[p + 5]!;
    const ethernetIpv4 = ((f[p]! << 8) | f[p + 1]!) === 1 && ((f[p + 2]! << 8) | f[p + 3]!) === 0x0800 && hlen === 6 && plen === 4;
    if (!ethernetIpv4 || end - p < 28) return this.unknown(end);
    this.mac(f, p + 8);
    this.ipv4At(f, p + 14);
    this.mac(f, p + 18);
    this.ipv4At(f, p + 24);
    return p + 28;
  }

  /** an IP header nested deeper than any real tunnel stack: the frame is cut before it, whatever the payload policy */
  private tooDeep(): boolean {
    if (++this.ipHeaders <= MAX_IP_HEADERS) return false;
    this.unparsed++;
    return true;
  }

  private ipv4(f: Uint8Array, p: number, end: number): number {
    if (this.tooDeep()) return p;
    if (end - p < 20 || f[p]! >> 4 !== 4) return this.unknown(end);
    const ihl = (f[p]! & 0x0f) * 4;
    if (ihl < 20 || end - p < ihl) return this.unknown(end);
    const before = f.slice(p + 12, p + 20);
    this.ipv4At(f, p + 12);
    this.ipv4At(f, p + 16);
    // the header checksum over the new addresses
    adjustChecksum(f, p + 10, before, f, p + 12, 8, 0);
    let total = (f[p + 2]! << 8) | f[p + 3]!;
    if (total === 0 && this.wholeFrame && end - p <= 0xffff) {
      // a TSO capture's length 0 (readers then take the frame's length): once the payload is cut the
      // frame no longer tells it, so the header is given the length it stood for
      const zero = f.slice(p + 2, p + 4);
      total = end - p;
      f[p + 2] = total >>> 8;
      f[p + 3] = total & 0xff;
      adjustChecksum(f, p + 10, zero, f, p + 2, 2, 0);
    }
    if (this.wholeFrame && p + total > end) this.malformedLength = true;
    const ipEnd = Math.min(end, total >= ihl ? p + total : end);
    const fragmentOffset = ((f[p + 6]! & 0x1f) << 8) | f[p + 7]!;
    if (fragmentOffset !== 0) return this.cut(p + ihl, ipEnd);
    return this.transport(f, p + ihl, ipEnd, f[p + 9]!, before, p + 12);
  }

  private ipv6(f: Uint8Array, p: number, end: number): number {
    if (this.tooDeep()) return p;
    if (end - p < 40 || f[p]! >> 4 !== 6) return this.unknown(end);
    const before = f.slice(p + 8, p + 40);
    this.ipv6At(f, p + 8);
    this.ipv6At(f, p + 24);
    let payloadLength = (f[p + 4]! << 8) | f[p + 5]!;
    // as for IPv4: a TSO capture's length 0 is given the length it stood for (a jumbogram's, RFC
    // 2675, carried in a hop-by-hop option, stays)
    if (payloadLength === 0 && f[p + 6] !== 0 && this.wholeFrame && end - p - 40 <= 0xffff) {
      payloadLength = end - p - 40;
      f[p + 4] = payloadLength >>> 8;
      f[p + 5] = payloadLength & 0xff;
    }
    if (this.wholeFrame && p + 40 + payloadLength > end) this.malformedLength = true;
    const ipEnd = payloadLength === 0 ? end : Math.min(end, p + 40 + payloadLength);
    let next = f[p + 6]!;
    let q = p + 40;
    // extension headers: hop-by-hop, routing, destination options, fragment, authentication
    for (;;) {
      if (next === 0 || next === 43 || next === 60) {
        if (ipEnd - q < 8) return this.unknown(ipEnd);
        const n = f[q]!;
        q += (f[q + 1]! + 1) * 8;
        next = n;
      } else if (next === 44) {
        if (ipEnd - q < 8) return this.unknown(ipEnd);
        const n = f[q]!;
        const offset = ((f[q + 2]! << 8) | f[q + 3]!) >> 3;
        q += 8;
        if (offset !== 0) return this.cut(q, ipEnd);
        next = n;
      } else if (next === 51) {
        if (ipEnd - q < 8) return this.unknown(ipEnd);
        const n = f[q]!;
        q += (f[q + 1]! + 2) * 4;
        next = n;
      } else break;
      if (q > ipEnd) return this.unknown(ipEnd);
    }
    return this.transport(f, q, ipEnd, next, before, p + 8);
  }

  /**
   * The transport (or tunnel) at `q`. `oldAddresses` are the IP header's addresses before they were
   * replaced (now at `addressesAt` in f): the pseudo-header that TCP, UDP and ICMPv6 sum over.
   */
  private transport(f: Uint8Array, q: number, end: number, proto: number, oldAddresses: Uint8Array, addressesAt: number): number {
    const pseudo = (checksumAt: number): void => adjustChecksum(f, checksumAt, oldAddresses, f, addressesAt, oldAddresses.length, 0);
    switch (proto) {
      case 6: {
        if (end - q < 20) return this.unknown(end);
        pseudo(q + 16);
        const headerLength = (f[q + 12]! >> 4) * 4;
        return this.cut(q + Math.max(20, headerLength), end);
      }
      case 17: {
        if (end - q < 8) return this.unknown(end);
        const checksummed = f[q + 6] !== 0 || f[q + 7] !== 0;
        if (checksummed) pseudo(q + 6);
        const sport = (f[q]! << 8) | f[q + 1]!, dport = (f[q + 2]! << 8) | f[q + 3]!;
        const data = q + 8;
        const before = f.slice(data, end);
        const inner = this.udpPayload(f, data, end, sport, dport);
        // what the tunnel or DNS rewrite changed inside the datagram, for its checksum
        if (checksummed && inner !== null) adjustChecksum(f, q + 6, before, f, data, before.length, (data - q) & 1, true);
        return inner === null ? this.cut(data, end) : inner;
      }
      case 1: {
        if (end - q < 8) return this.unknown(end);
        const type = f[q]!;
        if (type === 3 || type === 4 || type === 5 || type === 11 || type === 12) {
          // an error quotes the offending packet's header and its first 8 transport bytes
          const before = f.slice(q + 8, end);
          const innerEnd = this.quoted(f, q + 8, end, 4);
          adjustChecksum(f, q + 2, before, f, q + 8, before.length, 0);
          return this.cut(innerEnd, end);
        }
        return this.cut(q + 8, end);
      }
      case 58: {
        if (end - q < 8) return this.unknown(end);
        pseudo(q + 2);
        const type = f[q]!;
        if (type >= 1 && type <= 4) {
          const before = f.slice(q + 8, end);
          const innerEnd = this.quoted(f, q + 8, end, 6);
          adjustChecksum(f, q + 2, before, f, q + 8, before.length, 0);
          return this.cut(innerEnd, end);
        }
        if ((type === 135 || type === 136 || type === 137) && end - q >= 24) {
          // neighbour solicitation and advertisement, redirect: the target address
          const before = f.slice(q + 8, q + 24);
          this.ipv6At(f, q + 8);
          adjustChecksum(f, q + 2, before, f, q + 8, 16, 0);
          return q + 24;
        }
        return this.cut(q + 8, end);
      }
      case 4:
        return this.ipv4(f, q, end);
      case 41:
        return this.ipv6(f, q, end);
      case 47:
        return this.gre(f, q, end);
      default:
        return this.cut(q, end);
    }
  }

  /** A packet quoted in an ICMP error: its IP header rewritten, its transport checksum updated. */
  private quoted(f: Uint8Array, p: number, end: number, version: 4 | 6): number {
    if (version === 4) {
      if (end - p < 20) return end;
      const ihl = (f[p]! & 0x0f) * 4;
      const before = f.slice(p + 12, p + 20);
      this.ipv4At(f, p + 12);
      this.ipv4At(f, p + 16);
      adjustChecksum(f, p + 10, before, f, p + 12, 8, 0);
      this.quotedTransport(f, p + ihl, end, f[p + 9]!, before, p + 12);
      return Math.min(end, p + ihl + 8);
    }
    if (end - p < 40) return end;
    const before = f.slice(p + 8, p + 40);
    this.ipv6At(f, p + 8);
    this.ipv6At(f, p + 24);
    this.quotedTransport(f, p + 40, end, f[p + 6]!, before, p + 8);
    return Math.min(end, p + 48);
  }

  private quotedTransport(f: Uint8Array, q: number, end: number, proto: number, old: Uint8Array, at: number): void {
    const checksumAt = proto === 6 ? q + 16 : proto === 17 ? q + 6 : proto === 58 ? q + 2 : -1;
    if (checksumAt < 0 || checksumAt + 2 > end) return;
    if (proto === 17 && f[checksumAt] === 0 && f[checksumAt + 1] === 0) return;
    adjustChecksum(f, checksumAt, old, f, at, old.length, 0);
  }

  private udpPayload(f: Uint8Array, p: number, end: number, sport: number, dport: number): number | null {
    const port = (x: number): boolean => sport === x || dport === x;
    if (port(UDP_VXLAN)) return end - p >= 8 ? this.ethernet(f, p + 8, end) : null;
    if (port(UDP_GENEVE)) {
      if (end - p < 8) return null;
      const options = (f[p]! & 0x3f) * 4;
      const type = (f[p + 2]! << 8) | f[p + 3]!;
      const inner = p + 8 + options;
      return type === 0x6558 ? this.ethernet(f, inner, end) : this.ethertype(f, inner, end, type);
    }
    if (port(UDP_GTP_U)) return this.gtp(f, p, end);
    if (port(UDP_CAPWAP_DATA)) return this.capwap(f, p, end);
    if (port(UDP_TEREDO)) {
      let q = p;
      // authentication and origin indications before the IPv6 packet
      if (end - q >= 4 && f[q] === 0 && f[q + 1] === 1) q += 4 + f[q + 2]! + f[q + 3]! + 9;
      if (end - q >= 8 && f[q] === 0 && f[q + 1] === 0) q += 8;
      return end - q >= 40 && f[q]! >> 4 === 6 ? this.ipv6(f, q, end) : null;
    }
    if (this.payload !== 'drop' && (DNS_PORTS.has(sport) || DNS_PORTS.has(dport))) {
      this.dnsAnswers(f, p, end);
      return this.cut(p, end);
    }
    return null;
  }

  /** CAPWAP data: the header (HLEN words), then an 802.3 frame, or with T set a native 802.11 one */
  private capwap(f: Uint8Array, p: number, end: number): number | null {
    if (end - p < 8 || f[p] !== 0) return null;
    const word = ((f[p]! << 24) | (f[p + 1]! << 16) | (f[p + 2]! << 8) | f[p + 3]!) >>> 0;
    const headerLen = ((word >>> 19) & 0x1f) << 2;
    const native = (word >>> 8) & 1;
    const fragment = (word >>> 7) & 1;
    const keepAlive = (word >>> 3) & 1;
    if (headerLen < 8 || p + headerLen > end || keepAlive !== 0) return null;
    if (fragment !== 0 && ((f[p + 6]! << 8) | f[p + 7]!) >> 3 !== 0) return null;
    const q = p + headerLen;
    return native === 0 ? this.ethernet(f, q, end) : this.ieee80211Data(f, q, end);
  }

  /**
   * An 802.11 data frame: its MAC addresses hashed, then LLC/SNAP and the EtherType's packet. Some
   * access points send the frame control's two bytes swapped: the layout whose body starts with
   * SNAP is the one read.
   */
  private ieee80211Data(f: Uint8Array, p: number, end: number): number | null {
    if (end - p < 24) return null;
    const layout = (swapped: boolean): number => {
      const fc = swapped ? f[p + 1]! : f[p]!;
      const flags = swapped ? f[p]! : f[p + 1]!;
      if ((fc & 3) !== 0 || ((fc >> 2) & 3) !== 2) return -1;
      let q = p + 24 + ((flags & 3) === 3 ? 6 : 0);
      if ((fc & 0x80) !== 0) q += 2 + ((flags & 0x80) !== 0 ? 4 : 0); // QoS, then HT control
      return (flags & 0x40) !== 0 ? -q : q; // protected (WEP, WPA): nothing to follow
    };
    const snapAt = (q: number): boolean => q > 0 && q + 8 <= end && f[q] === 0xaa && f[q + 1] === 0xaa && f[q + 2] === 0x03;
    const plain = layout(false);
    const q = !snapAt(plain) && snapAt(layout(true)) ? layout(true) : plain;
    if (q === -1) return this.cut(p, end); // management and control frames: no IP inside
    const swappedDs = q === plain ? f[p + 1]! & 3 : f[p]! & 3;
    for (const at of [p + 4, p + 10, p + 16, ...(swappedDs === 3 ? [p + 24] : [])]) this.mac(f, at);
    if (q < 0) return this.cut(-q, end);
    if (!snapAt(q)) return this.cut(q, end);
    return this.ethertype(f, q + 8, end, (f[q + 6]! << 8) | f[q + 7]!);
  }

  private gtp(f: Uint8Array, p: number, end: number): number | null {
    if (end - p < 8 || f[p]! >> 5 !== 1 || f[p + 1] !== 0xff) return null;
    let q = p + 8;
    const flags = f[p]!;
    if (flags & 0x07) {
      if (end - q < 4) return null;
      let next = f[q + 3]!;
      q += 4;
      while (next !== 0) {
        if (end - q < 1 || f[q] === 0) return null;
        const length = f[q]! * 4;
        if (end - q < length) return null;
        next = f[q + length - 1]!;
        q += length;
      }
    }
    return end - q >= 1 ? this.ip(f, q, end, f[q]! >> 4) : null;
  }

  private gre(f: Uint8Array, p: number, end: number): number {
    if (end - p < 4) return this.unknown(end);
    const flags = f[p]!;
    const type = (f[p + 2]! << 8) | f[p + 3]!;
    let q = p + 4;
    const checksumAt = flags & 0x80 ? p + 4 : -1;
    if (flags & 0x80) q += 4;
    if (flags & 0x20) q += 4;
    if (flags & 0x10) q += 4;
    // enhanced GRE (version 1, PPTP): an acknowledgement number, then PPP
    if ((f[p + 1]! & 0x07) === 1 && f[p + 1]! & 0x80) q += 4;
    if (q > end) return this.unknown(end);
    const before = checksumAt >= 0 ? f.slice(p, end) : null;
    const inner = type === 0x6558 ? this.ethernet(f, q, end) : type === 0x880b ? this.ppp(f, q, end) : this.ethertype(f, q, end, type);
    if (before && checksumAt >= 0) adjustChecksum(f, checksumAt, before, f, p, before.length, 0, true);
    return inner;
  }

  /** PPP inside enhanced GRE: address and control bytes optional, the protocol one byte or two */
  private ppp(f: Uint8Array, p: number, end: number): number {
    let q = p;
    if (end - q >= 2 && f[q] === 0xff && f[q + 1] === 0x03) q += 2;
    if (end - q < 1) return this.cut(q, end);
    let protocol = f[q]!;
    if ((protocol & 1) === 1) q += 1;
    else {
      if (end - q < 2) return this.unknown(end);
      protocol = (protocol << 8) | f[q + 1]!;
      q += 2;
    }
    if (protocol === 0x21) return this.ipv4(f, q, end);
    if (protocol === 0x57) return this.ipv6(f, q, end);
    // control protocols (LCP, IPCP…) and compressed data: nothing more to follow
    return this.cut(q, end);
  }

  /** A and AAAA answers of a DNS message: their addresses pseudonymised in place. */
  private dnsAnswers(f: Uint8Array, p: number, end: number): void {
    if (end - p < 12) return;
    const count = (at: number): number => (f[p + at]! << 8) | f[p + at + 1]!;
    const questions = count(4);
    const records = count(6) + count(8) + count(10);
    let q = p + 12;
    const skipName = (): boolean => {
      for (let guard = 0; guard < 128 && q < end; guard++) {
        const len = f[q]!;
        if (len === 0) { q++; return true; }
        if ((len & 0xc0) === 0xc0) { q += 2; return q <= end; }
        q += len + 1;
      }
      return false;
    };
    for (let i = 0; i < questions; i++) if (!skipName() || (q += 4) > end) return;
    for (let i = 0; i < records; i++) {
      if (!skipName() || end - q < 10) return;
      const type = (f[q]! << 8) | f[q + 1]!;
      const length = (f[q + 8]! << 8) | f[q + 9]!;
      q += 10;
      if (end - q < length) return;
      if (type === 1 && length === 4) this.ipv4At(f, q);
      else if (type === 28 && length === 16) this.ipv6At(f, q);
      q += length;
    }
  }

  /** where to cut a packet whose payload starts at `from` */
  private cut(from: number, end: number): number {
    if (this.payload === 'drop') return from;
    if (this.payload === 'keep') return end;
    return Math.min(end, from + this.payload);
  }

  // --- addresses in place

  private ipv4At(f: Uint8Array, at: number): void {
    const a = ((f[at]! << 24) | (f[at + 1]! << 16) | (f[at + 2]! << 8) | f[at + 3]!) >>> 0;
    const b = this.pseudonyms.ipv4(a);
    f[at] = b >>> 24;
    f[at + 1] = (b >>> 16) & 0xff;
    f[at + 2] = (b >>> 8) & 0xff;
    f[at + 3] = b & 0xff;
  }

  private ipv6At(f: Uint8Array, at: number): void {
    f.set(this.pseudonyms.ipv6(f.subarray(at, at + 16)), at);
  }

  /** a unicast MAC by its keyed hash; broadcast and multicast ones say nothing of a device */
  private mac(f: Uint8Array, at: number): void {
    if ((f[at]! & 1) === 1) return;
    const text = [...f.subarray(at, at + 6)].map((b) => b.toString(16).padStart(2, '0')).join(':');
    const hashed = this.pseudonyms.mac(text);
    for (let i = 0; i < 6; i++) f[at + i] = parseInt(hashed.slice(i * 3, i * 3 + 2), 16);
  }
}

/**
 * Updates the 16-bit one's complement checksum at `at` for bytes that changed from `before` to
 * `after[afterAt …]` (RFC 1624: HC' = ~(~HC + ~m + m'), that is ~HC plus every word's change,
 * modulo 0xffff). `parity` is the changed bytes' offset from the start of what the checksum
 * covers, modulo 2 (odd: each byte sits in the other half of its word). `skipChecksum`: the
 * checksum field itself lies inside the range (it counts as zero). Never yields 0, so a UDP
 * checksum stays "present".
 */
export function adjustChecksum(f: Uint8Array, at: number, before: Uint8Array, after: Uint8Array, afterAt: number, length: number, parity: number, skipChecksum = false): void {
  if (at + 2 > f.length) return;
  let change = 0;
  const checksumOffset = at - afterAt;
  for (let i = 0; i < length; i++) {
    if (skipChecksum && (i === checksumOffset || i === checksumOffset + 1)) continue;
    const delta = after[afterAt + i]! - before[i]!;
    if (delta !== 0) change += ((i + parity) & 1) === 0 ? delta * 256 : delta;
  }
  if (change === 0) return;
  const sum = (~((f[at]! << 8) | f[at + 1]!) & 0xffff) + change;
  const reduced = ((sum % 0xffff) + 0xffff) % 0xffff;
  const checksum = ~reduced & 0xffff;
  f[at] = checksum >> 8;
  f[at + 1] = checksum & 0xff;
}
