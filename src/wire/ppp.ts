import { Anomaly } from '../decode/anomaly.js';
import { type DecodedPacket } from '../decode/packet.js';
// TODO(helper): implement
export function decodePpp(p: DecodedPacket): number {
  return p.weird(Anomaly.truncated_link_header);
}
export function decodePppHdlc(p: DecodedPacket): number {
  return p.weird(Anomaly.truncated_link_header);
}
