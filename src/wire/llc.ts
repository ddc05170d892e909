import { Anomaly } from '../decode/anomaly.js';
import { etherTypeLayer } from '../decode/dispatch.js';
import { Layer } from '../decode/layers.js';
import { type DecodedPacket } from '../decode/packet.js';
import { u16 } from './bytes.js';

// IEEE 802.2 LLC: DSAP(1) SSAP(1) control(1 for U-frames, 2 for I/S frames). With DSAP = SSAP =
// 0xAA and control 0x03 (UI) a SNAP header follows: OUI(3) protocol id(2). With OUI 00-00-00
// (RFC 1042) or 00-00-F8 (802.1H bridge tunnel) the protocol id is an EtherType; other OUIs
// (Cisco CDP/VTP, AppleTalk) and other SAPs (STP, NetBIOS, IPX) are not IP and end cleanly.
export const LLC_MIN_HEADER_LEN = 3;
export const LLC_SNAP_HEADER_LEN = 8;
export const LLC_SAP_SNAP = 0xaa;
export const LLC_CONTROL_UI = 0x03;
export const SNAP_OUI_ENCAPSULATED_ETHERNET = 0x000000;
export const SNAP_OUI_BRIDGE_TUNNEL = 0x0000f8;

export function decodeLlc(p: DecodedPacket): number {
  const b = p.buf;
  const o = p.off;
  if (p.end - o < LLC_MIN_HEADER_LEN) return p.weird(Anomaly.truncated_llc);
  const dsap = b[o]!;
  const ssap = b[o + 1]!;
  const control = b[o + 2]!;
  if (dsap !== LLC_SAP_SNAP || (ssap & 0xfe) !== LLC_SAP_SNAP || control !== LLC_CONTROL_UI) {
    // I/S frames carry a 2-byte control field; whatever follows is not an IP packet either way
    const len = (control & 0x03) === 0x03 ? 3 : 4;
    if (p.end - o < len) return p.weird(Anomaly.truncated_llc);
    p.off = o + len;
    return Layer.End;
  }
  if (p.end - o < LLC_SNAP_HEADER_LEN) return p.weird(Anomaly.truncated_llc);
  const oui = (b[o + 3]! << 16) | (b[o + 4]! << 8) | b[o + 5]!;
  const type = u16(b, o + 6);
  p.off = o + LLC_SNAP_HEADER_LEN;
  if (oui !== SNAP_OUI_ENCAPSULATED_ETHERNET && oui !== SNAP_OUI_BRIDGE_TUNNEL) return Layer.End;
  return etherTypeLayer[type]!;
}
