import { Anomaly } from '../decode/anomaly.js';
import { type DecodedPacket } from '../decode/packet.js';
// TODO(helper): implement
export function decodeBsdNull(p: DecodedPacket): number {
  return p.weird(Anomaly.truncated_link_header);
}
export function decodeBsdLoop(p: DecodedPacket): number {
  return p.weird(Anomaly.truncated_link_header);
}
