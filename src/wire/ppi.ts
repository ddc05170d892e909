import { Anomaly } from '../decode/anomaly.js';
import { type DecodedPacket } from '../decode/packet.js';
// TODO(helper): implement
export function decodePpi(p: DecodedPacket): number {
  return p.weird(Anomaly.truncated_link_header);
}
