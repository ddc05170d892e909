import { AnomalyCounters } from './anomaly.js';
import { linkTypeLayer } from './dispatch.js';
import { FragmentReassembler } from './fragments.js';
import { Layer } from './layers.js';
import { DecodedPacket } from './packet.js';
import { LAYER_DECODERS, MAX_LAYERS } from './decoder.js';

// What `--workers N` shares packets out by: a hash of the addresses that a packet's flow is keyed
// by, the same whichever way the packet goes. It runs the decoder's own layer decoders, so every
// tunnel, VLAN and link type is read as the engine reads it, but it keeps no state: an IP fragment
// is hashed by its own header's addresses, which every fragment of the datagram shares, and is
// not reassembled. Every packet of a flow thus reaches one worker, with one exception: a tunnel
// whose outer packets are fragmented, where a reassembled datagram goes by the tunnel's
// addresses and its whole packets by their inner flow's.

/** fragments end the walk where they are: no reassembly, no state */
class NoReassembly extends FragmentReassembler {
  override addIpv4(): number {
    return Layer.End;
  }

  override addIpv6(): number {
    return Layer.End;
  }
}

export class FlowAddressHasher {
  private readonly packet: DecodedPacket;

  constructor() {
    // the anomalies are those of the worker that decodes the packet
    const ignored = new AnomalyCounters();
    this.packet = new DecodedPacket(ignored, new NoReassembly(ignored));
  }

  /** 32 bits, or -1 when the record holds no IP packet (it belongs to no flow) */
  hash(buf: Uint8Array, offset: number, capLen: number, wireLen: number, linkType: number): number {
    const p = this.packet;
    p.reset(buf, offset, capLen, wireLen, 0, linkType);
    let layer = linkType < linkTypeLayer.length ? linkTypeLayer[linkType]! : Layer.End;
    for (let n = 0; layer !== Layer.End && n < MAX_LAYERS; n++) layer = LAYER_DECODERS[layer]!(p);
    if (p.tunnelDepth > 0) p.fallBackToOuter();
    if (p.ipVersion === 0) return -1;
    const addr = p.addr;
    let a = 0x811c9dc5;
    let z = 0x811c9dc5;
    for (let i = 0; i < 4; i++) {
      a = Math.imul(a ^ addr[i]!, 0x01000193);
      a ^= a >>> 16;
      z = Math.imul(z ^ addr[4 + i]!, 0x01000193);
      z ^= z >>> 16;
    }
    // symmetric in the two addresses, then mixed so that the high bits depend on all of them
    let h = Math.imul(a ^ z, 0x9e3779b1) ^ Math.imul((a + z) | 0, 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 13;
    return h >>> 0;
  }
}
