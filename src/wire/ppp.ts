import { Anomaly } from '../decode/anomaly.js';
import { pppProtocolLayer } from '../decode/dispatch.js';
import { Layer } from '../decode/layers.js';
import { type DecodedPacket } from '../decode/packet.js';
import { u16 } from './bytes.js';
import { CHDLC_ADDR_BROADCAST, CHDLC_ADDR_UNICAST } from './cisco-hdlc.js';

// PPP (RFC 1661) with optional HDLC-like framing (RFC 1662): [address 0xFF, control 0x03] then the
// protocol field, which is 2 bytes, or 1 byte when Protocol-Field-Compression is in effect.
// Protocol numbers have an even first byte and an odd last byte, so an odd first byte means the
// 1-byte compressed form.
export const PPP_ADDRESS = 0xff;

export function decodePpp(p: DecodedPacket): number {
  const b = p.buf;
  let o = p.off;
  const end = p.end;
  if (end - o < 1) return p.weird(Anomaly.truncated_ppp);
  const first = b[o]!;
  // Cisco HDLC framing on a PPP link (BSD/OS, Cisco routers); as PPP these would be compressed
  // protocols 0x0F/0x8F, which are not assigned, so the two cannot be confused.
  if (first === CHDLC_ADDR_UNICAST || first === CHDLC_ADDR_BROADCAST) return Layer.CiscoHdlc;
  if (first === PPP_ADDRESS) {
    // 0xFF is odd, so it can never start a protocol field: it is the address, and a control byte
    // follows. RFC 1662 fixes that at 0x03; like Wireshark and nDPI, any value is skipped.
    if (end - o < 2) return p.weird(Anomaly.truncated_ppp);
    o += 2;
    if (end - o < 1) return p.weird(Anomaly.truncated_ppp);
  }
  let protocol = b[o]!;
  if ((protocol & 1) !== 0) {
    o += 1;
  } else {
    if (end - o < 2) return p.weird(Anomaly.truncated_ppp);
    protocol = u16(b, o);
    o += 2;
  }
  p.off = o;
  // LCP, IPCP, CHAP, compressed (VJ, CCP) frames… are not IP: the table has no layer for them
  return pppProtocolLayer[protocol]!;
}

/** DLT_PPP_SERIAL (50): PPP in HDLC-like framing, or Cisco PPP with HDLC framing (0x0F / 0x8F). */
export function decodePppHdlc(p: DecodedPacket): number {
  // decodePpp already dispatches 0x0F / 0x8F to Cisco HDLC and accepts the 0xFF 0x03 prefix
  return decodePpp(p);
}
