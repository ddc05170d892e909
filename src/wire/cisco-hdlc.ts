import { Anomaly } from '../decode/anomaly.js';
import { etherTypeLayer } from '../decode/dispatch.js';
import { type DecodedPacket } from '../decode/packet.js';
import { u16 } from './bytes.js';

// Cisco HDLC (DLT_C_HDLC, 104): address(1) control(1) protocol(2, an EtherType).
// Address is 0x0F for unicast and 0x8F for broadcast frames; control is 0x00. SLARP (0x8035) and
// CDP (0x2000) keepalives are not IP: the EtherType table has no layer for them, so they end cleanly.
export const CHDLC_HEADER_LEN = 4;
export const CHDLC_PROTOCOL = 2;
export const CHDLC_ADDR_UNICAST = 0x0f;
export const CHDLC_ADDR_BROADCAST = 0x8f;

export function decodeCiscoHdlc(p: DecodedPacket): number {
  const o = p.off;
  if (p.end - o < CHDLC_HEADER_LEN) return p.weird(Anomaly.truncated_cisco_hdlc);
  const type = u16(p.buf, o + CHDLC_PROTOCOL);
  p.off = o + CHDLC_HEADER_LEN;
  return etherTypeLayer[type]!;
}
