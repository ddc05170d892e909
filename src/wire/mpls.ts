import { Anomaly } from '../decode/anomaly.js';
import { etherTypeLayer } from '../decode/dispatch.js';
import { Layer } from '../decode/layers.js';
import { type DecodedPacket } from '../decode/packet.js';
import { u16 } from './bytes.js';
import { ETHERNET_TYPE } from './ethernet.js';

// MPLS label stack (RFC 3032): 4-byte entries (label 20 bits, TC 3, bottom-of-stack 1, TTL 8) up to
// the one with the S bit. Nothing in the stack names the payload, so it is guessed from the first
// nibble like every analyser does: 4 → IPv4, 6 → IPv6, 0 → an Ethernet pseudowire (RFC 4448),
// after a control word (RFC 4385) unless only the frame without one has a known EtherType; 1
// (associated channel, RFC 4385) and anything else are not decoded further.
// MPLS is not a tunnel: it adds no IP header of its own.

export const MPLS_LABEL_LEN = 4;
/** byte 2 of a label stack entry: TC (3 bits) then the bottom-of-stack bit */
export const MPLS_BOTTOM_OF_STACK = 0x01;
export const PW_CONTROL_WORD_LEN = 4;
/** real stacks hold a handful of labels; a stack without bottom within this many is malformed */
export const MAX_MPLS_LABELS = 16;

export function decodeMpls(p: DecodedPacket): number {
  const b = p.buf;
  let o = p.off;
  for (let n = 0; ; n++) {
    if (n === MAX_MPLS_LABELS) return p.weird(Anomaly.truncated_mpls);
    if (p.end - o < MPLS_LABEL_LEN) return p.weird(Anomaly.truncated_mpls);
    const bottom = b[o + 2]! & MPLS_BOTTOM_OF_STACK;
    o += MPLS_LABEL_LEN;
    if (bottom !== 0) break;
  }
  p.off = o;
  if (o >= p.end) return p.weird(Anomaly.truncated_mpls);
  switch (b[o]! >> 4) {
    case 4:
      return Layer.Ipv4;
    case 6:
      return Layer.Ipv6;
    case 0:
      // a pseudowire control word (flags, fragment, length, sequence) then an Ethernet frame, or an
      // Ethernet frame without control word (it is optional) whose destination MAC starts with a
      // 0 nibble, as many OUIs do: without a control word the EtherType sits 4 bytes earlier
      if (!knownEtherType(p, o + PW_CONTROL_WORD_LEN + ETHERNET_TYPE) && knownEtherType(p, o + ETHERNET_TYPE)) {
        return Layer.Ethernet;
      }
      if (p.end - o < PW_CONTROL_WORD_LEN) return p.weird(Anomaly.truncated_mpls);
      p.off = o + PW_CONTROL_WORD_LEN;
      return Layer.Ethernet;
    default:
      return Layer.End;
  }
}

function knownEtherType(p: DecodedPacket, at: number): boolean {
  return at + 2 <= p.end && etherTypeLayer[u16(p.buf, at)]! !== Layer.End;
}
