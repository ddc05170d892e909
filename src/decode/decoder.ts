import { Anomaly, type AnomalyCounters } from './anomaly.js';
import { linkTypeLayer } from './dispatch.js';
import { FragmentReassembler, type FragmentLimits, DEFAULT_FRAGMENT_LIMITS } from './fragments.js';
import { LAYER_COUNT, Layer } from './layers.js';
import { DecodedPacket } from './packet.js';
import { decodeEthernet, decodeRawIp, decodeVlan } from '../wire/ethernet.js';
import { decodeIpv4 } from '../wire/ipv4.js';
import { decodeIpv6 } from '../wire/ipv6.js';
import { decodeIcmp, decodeOtherL4, decodeSctp, decodeTcp, decodeUdp } from '../wire/transport.js';
import { decodeLinuxSll, decodeLinuxSll2 } from '../wire/linux-sll.js';
import { decodeBsdLoop, decodeBsdNull } from '../wire/bsd-loopback.js';
import { decodePpp, decodePppHdlc } from '../wire/ppp.js';
import { decodeCiscoHdlc } from '../wire/cisco-hdlc.js';
import { decodePpi } from '../wire/ppi.js';
import { decodeRadiotap } from '../wire/radiotap.js';
import { decodeIeee80211, decodeIeee80211Prism } from '../wire/ieee80211.js';
import { decodeLlc } from '../wire/llc.js';
import { decodeMpls } from '../wire/mpls.js';
import { decodePppoeSession } from '../wire/pppoe.js';
import { decodeErspan2, decodeErspan3, decodeGre } from '../wire/gre.js';
import { decodeVxlan } from '../wire/vxlan.js';
import { decodeGeneve } from '../wire/geneve.js';
import { decodeGtpU } from '../wire/gtp.js';
import { decodeCapwap } from '../wire/capwap.js';
import { decodeTeredo } from '../wire/teredo.js';

export type LayerDecoder = (p: DecodedPacket) => number;

/** Layer id → decoder. A decoder reads at `p.off`, advances it, and returns the next layer id. */
export const LAYER_DECODERS: LayerDecoder[] = new Array<LayerDecoder>(LAYER_COUNT).fill((_p) => Layer.End);
LAYER_DECODERS[Layer.Ethernet] = decodeEthernet;
LAYER_DECODERS[Layer.EthernetNoFcsCheck] = decodeEthernet;
LAYER_DECODERS[Layer.Vlan] = decodeVlan;
LAYER_DECODERS[Layer.RawIp] = decodeRawIp;
LAYER_DECODERS[Layer.Ipv4] = decodeIpv4;
LAYER_DECODERS[Layer.Ipv6] = decodeIpv6;
LAYER_DECODERS[Layer.Tcp] = decodeTcp;
LAYER_DECODERS[Layer.Udp] = decodeUdp;
LAYER_DECODERS[Layer.Icmp] = decodeIcmp;
LAYER_DECODERS[Layer.Icmpv6] = decodeIcmp;
LAYER_DECODERS[Layer.Sctp] = decodeSctp;
LAYER_DECODERS[Layer.OtherL4] = decodeOtherL4;
LAYER_DECODERS[Layer.LinuxSll] = decodeLinuxSll;
LAYER_DECODERS[Layer.LinuxSll2] = decodeLinuxSll2;
LAYER_DECODERS[Layer.BsdNull] = decodeBsdNull;
LAYER_DECODERS[Layer.BsdLoop] = decodeBsdLoop;
LAYER_DECODERS[Layer.Ppp] = decodePpp;
LAYER_DECODERS[Layer.PppHdlc] = decodePppHdlc;
LAYER_DECODERS[Layer.CiscoHdlc] = decodeCiscoHdlc;
LAYER_DECODERS[Layer.Ppi] = decodePpi;
LAYER_DECODERS[Layer.Radiotap] = decodeRadiotap;
LAYER_DECODERS[Layer.Ieee80211] = decodeIeee80211;
LAYER_DECODERS[Layer.Ieee80211Prism] = decodeIeee80211Prism;
LAYER_DECODERS[Layer.Llc] = decodeLlc;
LAYER_DECODERS[Layer.Mpls] = decodeMpls;
LAYER_DECODERS[Layer.PppoeSession] = decodePppoeSession;
LAYER_DECODERS[Layer.Gre] = decodeGre;
LAYER_DECODERS[Layer.Erspan2] = decodeErspan2;
LAYER_DECODERS[Layer.Erspan3] = decodeErspan3;
LAYER_DECODERS[Layer.Vxlan] = decodeVxlan;
LAYER_DECODERS[Layer.Geneve] = decodeGeneve;
LAYER_DECODERS[Layer.GtpU] = decodeGtpU;
LAYER_DECODERS[Layer.Capwap] = decodeCapwap;
LAYER_DECODERS[Layer.Teredo] = decodeTeredo;

/** Upper bound on layers per packet: a loop guard against hostile nesting. */
export const MAX_LAYERS = 48;

/** Decodes one capture record into a reused DecodedPacket. Never throws on packet bytes. */
export class PacketDecoder {
  readonly packet: DecodedPacket;
  readonly fragments: FragmentReassembler;

  constructor(readonly anomalies: AnomalyCounters, fragmentLimits: FragmentLimits = DEFAULT_FRAGMENT_LIMITS) {
    this.fragments = new FragmentReassembler(anomalies, fragmentLimits);
    this.packet = new DecodedPacket(anomalies, this.fragments);
  }

  decode(buf: Uint8Array, offset: number, capLen: number, wireLen: number, tsMicros: number, linkType: number): DecodedPacket {
    const p = this.packet;
    p.reset(buf, offset, capLen, wireLen, tsMicros, linkType);
    let layer = linkType < linkTypeLayer.length ? linkTypeLayer[linkType]! : 0;
    if (layer === Layer.End) {
      p.weird(Anomaly.unknown_link_type);
      return p;
    }
    for (let n = 0; layer !== Layer.End; n++) {
      if (n === MAX_LAYERS) {
        p.weird(Anomaly.tunnel_too_deep);
        break;
      }
      layer = LAYER_DECODERS[layer]!(p);
    }
    if (p.tunnelDepth > 0 && !p.heldFragment) p.fallBackToOuter();
    return p;
  }
}
