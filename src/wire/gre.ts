import { Anomaly } from '../decode/anomaly.js';
import { type DecodedPacket } from '../decode/packet.js';
// TODO(helper): implement
export function decodeGre(p: DecodedPacket): number {
  return p.weird(Anomaly.truncated_link_header);
}
export function decodeErspan2(p: DecodedPacket): number {
  return p.weird(Anomaly.truncated_link_header);
}
export function decodeErspan3(p: DecodedPacket): number {
  return p.weird(Anomaly.truncated_link_header);
}
