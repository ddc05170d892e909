import { Anomaly } from '../decode/anomaly.js';
import { type DecodedPacket } from '../decode/packet.js';
// TODO(helper): implement
export function decodeIeee80211(p: DecodedPacket): number {
  return p.weird(Anomaly.truncated_link_header);
}
export function decodeIeee80211Prism(p: DecodedPacket): number {
  return p.weird(Anomaly.truncated_link_header);
}
