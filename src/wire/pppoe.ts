import { Anomaly } from '../decode/anomaly.js';
import { pppProtocolLayer } from '../decode/dispatch.js';
import { type DecodedPacket } from '../decode/packet.js';
import { u16 } from './bytes.js';

// PPPoE session stage (RFC 2516, EtherType 0x8864 and DLT_PPP_ETHER): ver/type 0x11, code 0x00,
// session id, payload length; the payload is a PPP frame without address/control bytes, so the
// 2-byte PPP protocol follows directly (1 byte if protocol-field compression was negotiated anyway).

export const PPPOE_HEADER_LEN = 6;
export const PPPOE_VER_TYPE = 0x11;
export const PPPOE_CODE_SESSION = 0x00;
export const PPPOE_LENGTH = 4;

export function decodePppoeSession(p: DecodedPacket): number {
  const b = p.buf;
  const o = p.off;
  if (p.end - o < PPPOE_HEADER_LEN + 1) return p.weird(Anomaly.truncated_pppoe);
  if (b[o]! !== PPPOE_VER_TYPE || b[o + 1]! !== PPPOE_CODE_SESSION) return p.weird(Anomaly.bad_pppoe_header);
  const len = u16(b, o + PPPOE_LENGTH);
  if (len < 1) return p.weird(Anomaly.bad_pppoe_header);
  const payloadEnd = o + PPPOE_HEADER_LEN + len;
  if (payloadEnd < p.end) p.end = payloadEnd; // strip Ethernet padding
  let q = o + PPPOE_HEADER_LEN;
  let proto = b[q]!;
  if ((proto & 1) !== 0) {
    q += 1; // compressed protocol field: an odd first byte is the whole protocol number
  } else {
    if (p.end - q < 2) return p.weird(Anomaly.truncated_pppoe);
    proto = u16(b, q);
    q += 2;
  }
  p.off = q;
  return pppProtocolLayer[proto]!;
}
