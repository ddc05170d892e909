import { type AnomalyCounters } from './anomaly.js';
import { type FragmentReassembler } from './fragments.js';

/**
 * The one decoded-packet record the engine reuses for every packet: decoders fill numeric fields
 * and offsets into `buf` instead of allocating layer objects. After decoding, the fields describe
 * the innermost IP header and its transport.
 */
export class DecodedPacket {
  // capture record
  buf: Uint8Array = new Uint8Array(0);
  /** cursor: where the next layer starts */
  off = 0;
  /** end of the bytes that belong to the current layer stack (capture length, trimmed by IP lengths) */
  end = 0;
  wireLen = 0;
  /** the capture record holds fewer bytes than were on the wire (snap length) */
  snapTruncated = false;
  tsMicros = 0;
  linkType = 0;

  // link level
  /** innermost 802.1Q VLAN id, -1 when untagged */
  vlan = -1;
  /** outermost tunnel kind (see Tunnel), 0 when none */
  tunnel = 0;
  tunnelDepth = 0;

  // network level (innermost IP header)
  ipVersion = 0;
  ipOffset = 0;
  /** src address words [0..3], dst address words [4..7]; IPv4 uses [0] and [4] */
  readonly addr = new Uint32Array(8);
  /** end of the innermost IP datagram as its header claims (may exceed `end` when snap-truncated) */
  ipEnd = 0;
  ttl = 0;
  /** the packet came out of the fragment reassembler; `buf` is then the reassembled datagram */
  reassembled = false;
  /** a non-first fragment the reassembler keeps until its datagram is complete (no flow yet) */
  heldFragment = false;
  /** the first fragment of an incomplete datagram: transport header only, payload partial */
  partialFragment = false;
  /**
   * this frame counts as a packet of its flow: unfragmented packets and first fragments, the
   * frames that carry the transport header (the NetFlow/nDPI convention; Zeek too counts one
   * packet per datagram). Non-first fragments are counted apart (fragmentFrames).
   */
  countPacket = true;
  /** non-first fragments whose datagram this packet completed, and their wire bytes */
  fragmentFrames = 0;
  fragmentWireBytes = 0;
  /** transport payload bytes of a completed datagram not yet counted with its first fragment */
  fragmentPayloadBytes = 0;

  // transport level
  /** IP protocol number of the innermost transport, -1 when the packet has none */
  l4Proto = -1;
  l4Offset = 0;
  sport = 0;
  dport = 0;
  tcpFlags = 0;
  tcpSeq = 0;
  tcpAck = 0;
  tcpWindow = 0;
  icmpType = 0;
  icmpCode = 0;
  payloadOffset = 0;
  payloadLen = 0;

  /** id of the first anomaly this packet raised, -1 when clean */
  anomaly = -1;

  /** the 802.11 frame control and sequence control fields come byte-swapped (Cisco CAPWAP) */
  ieee80211Swapped = false;

  // the IP/transport state outside the innermost tunnel, restored when the tunnel turns out to
  // carry no IP packet (802.11 management in CAPWAP, ARP in VXLAN): the packet then belongs to
  // the tunnel's own flow
  private outerIpVersion = 0;
  private readonly outerAddr = new Uint32Array(8);
  private outerTunnel = 0;
  private outerL4Proto = -1;
  private outerSport = 0;
  private outerDport = 0;
  private outerIpEnd = 0;
  private outerIpOffset = 0;
  private outerL4Offset = 0;
  private outerPayloadOffset = 0;
  private outerPayloadLen = 0;
  private outerTcpFlags = 0;

  constructor(
    readonly anomalies: AnomalyCounters,
    readonly fragments: FragmentReassembler,
  ) {}

  reset(buf: Uint8Array, offset: number, capLen: number, wireLen: number, tsMicros: number, linkType: number): void {
    this.buf = buf;
    this.off = offset;
    this.end = offset + capLen;
    this.wireLen = wireLen;
    this.snapTruncated = capLen < wireLen;
    this.tsMicros = tsMicros;
    this.linkType = linkType;
    this.vlan = -1;
    this.tunnel = 0;
    this.tunnelDepth = 0;
    this.ipVersion = 0;
    this.l4Proto = -1;
    this.sport = 0;
    this.dport = 0;
    this.tcpFlags = 0;
    this.tcpSeq = 0;
    this.tcpAck = 0;
    this.tcpWindow = 0;
    this.icmpType = 0;
    this.icmpCode = 0;
    this.payloadLen = 0;
    this.payloadOffset = 0;
    this.reassembled = false;
    this.heldFragment = false;
    this.partialFragment = false;
    this.countPacket = true;
    this.fragmentFrames = 0;
    this.fragmentWireBytes = 0;
    this.fragmentPayloadBytes = 0;
    this.anomaly = -1;
    this.ieee80211Swapped = false;
    this.outerIpVersion = 0;
  }

  /** Records an anomaly for this packet; returns Layer.End (0) so decoders can `return p.weird(...)`. */
  weird(id: number): 0 {
    this.anomalies.add(id);
    if (this.anomaly < 0) this.anomaly = id;
    return 0;
  }

  /** Called by a tunnel decoder once its own header is valid: the inner packet replaces the outer. */
  enterTunnel(kind: number): boolean {
    if (this.tunnelDepth >= MAX_TUNNEL_DEPTH) return false;
    if (this.ipVersion !== 0) {
      this.outerIpVersion = this.ipVersion;
      this.outerAddr.set(this.addr);
      this.outerTunnel = this.tunnel;
      this.outerL4Proto = this.l4Proto;
      this.outerSport = this.sport;
      this.outerDport = this.dport;
      this.outerIpEnd = this.ipEnd;
      this.outerIpOffset = this.ipOffset;
      this.outerL4Offset = this.l4Offset;
      this.outerPayloadOffset = this.payloadOffset;
      this.outerPayloadLen = this.payloadLen;
      this.outerTcpFlags = this.tcpFlags;
    }
    if (this.tunnelDepth === 0) this.tunnel = kind;
    this.tunnelDepth++;
    this.ipVersion = 0;
    this.l4Proto = -1;
    this.sport = 0;
    this.dport = 0;
    this.tcpFlags = 0;
    this.payloadLen = 0;
    return true;
  }

  /**
   * After decoding: when a tunnel was entered but held no IP packet, the packet goes back to the
   * tunnel's own (outer) flow. Returns true when it did.
   */
  fallBackToOuter(): boolean {
    if (this.ipVersion !== 0 || this.outerIpVersion === 0) return false;
    this.ipVersion = this.outerIpVersion;
    this.addr.set(this.outerAddr);
    this.tunnel = this.outerTunnel;
    this.l4Proto = this.outerL4Proto;
    this.sport = this.outerSport;
    this.dport = this.outerDport;
    this.ipEnd = this.outerIpEnd;
    this.ipOffset = this.outerIpOffset;
    this.l4Offset = this.outerL4Offset;
    this.payloadOffset = this.outerPayloadOffset;
    this.payloadLen = this.outerPayloadLen;
    this.tcpFlags = this.outerTcpFlags;
    return true;
  }
}

export const MAX_TUNNEL_DEPTH = 4;
