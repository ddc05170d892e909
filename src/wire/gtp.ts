import { Anomaly } from '../decode/anomaly.js';
import { Layer, Tunnel } from '../decode/layers.js';
import { type DecodedPacket } from '../decode/packet.js';
import { u16 } from './bytes.js';
import { enterUdpTunnel, shortUdpTunnel, udpDatagramEnd } from './udp-tunnel.js';

// GTPv1-U (3GPP TS 29.281, UDP 2152). Mandatory header: flags (version 3 bits, PT, spare, E, S, PN),
// message type, length (of everything after these 8 bytes), TEID. Any of E/S/PN adds 4 bytes
// (sequence number, N-PDU number, next extension header type); extension headers follow, each
// `4 × its first byte` long with the next type in its last byte. Only a G-PDU (type 255) carries a
// user packet; echo, error indication, end marker… stay UDP flows on port 2152, and so does anything
// that is not GTPv1 (GTP' has PT 0; GTPv0 and v2 never use this port).

export const GTP_HEADER_LEN = 8;
export const GTP_OPTIONAL_LEN = 4;
export const GTP_VERSION_1 = 1;
export const GTP_FLAG_PT = 0x10;
export const GTP_FLAG_E = 0x04;
export const GTP_FLAGS_OPTIONAL = 0x07; // E, S, PN
export const GTP_LENGTH = 2;
export const GTP_MESSAGE_G_PDU = 0xff;
/** more extension headers than this is hostile input, not a real packet */
const MAX_GTP_EXTENSION_HEADERS = 8;

export function decodeGtpU(p: DecodedPacket): number {
  const b = p.buf;
  const o = p.off;
  if (o >= p.end) return Layer.End;
  const flags = b[o]!;
  if (flags >> 5 !== GTP_VERSION_1 || (flags & GTP_FLAG_PT) === 0) return Layer.End;
  if (p.end - o < GTP_HEADER_LEN) {
    if (p.end - o >= 2 && b[o + 1]! !== GTP_MESSAGE_G_PDU) return Layer.End;
    return shortUdpTunnel(p, o + GTP_HEADER_LEN, Anomaly.truncated_gtp);
  }
  if (b[o + 1]! !== GTP_MESSAGE_G_PDU) return Layer.End;
  const gtpEnd = o + GTP_HEADER_LEN + u16(b, o + GTP_LENGTH);
  if (gtpEnd > udpDatagramEnd(p)) return Layer.End; // claims more than the datagram holds: not GTP
  if (gtpEnd < p.end) p.end = gtpEnd;
  // from here on p.end < gtpEnd only when the capture was cut
  let q = o + GTP_HEADER_LEN;
  if ((flags & GTP_FLAGS_OPTIONAL) !== 0) {
    let ext = 0;
    if (q + GTP_OPTIONAL_LEN > gtpEnd) return Layer.End;
    if (q + GTP_OPTIONAL_LEN > p.end) return p.weird(Anomaly.truncated_gtp);
    if ((flags & GTP_FLAG_E) !== 0) ext = b[q + 3]!;
    q += GTP_OPTIONAL_LEN;
    for (let n = 0; ext !== 0; n++) {
      if (n === MAX_GTP_EXTENSION_HEADERS) return Layer.End;
      if (q >= gtpEnd) return Layer.End;
      if (q >= p.end) return p.weird(Anomaly.truncated_gtp);
      const len = b[q]! << 2;
      if (len === 0 || q + len > gtpEnd) return Layer.End;
      if (q + len > p.end) return p.weird(Anomaly.truncated_gtp);
      ext = b[q + len - 1]!;
      q += len;
    }
  }
  p.off = q;
  if (q >= p.end) return q < gtpEnd ? p.weird(Anomaly.truncated_gtp) : Layer.End;
  const ipVersion = b[q]! >> 4;
  const next = ipVersion === 4 ? Layer.Ipv4 : ipVersion === 6 ? Layer.Ipv6 : Layer.End;
  return enterUdpTunnel(p, Tunnel.Gtp, next, Anomaly.truncated_gtp);
}
