import { Anomaly } from '../decode/anomaly.js';
import { linkTypeLayer } from '../decode/dispatch.js';
import { type DecodedPacket } from '../decode/packet.js';
import { u16le, u32le } from './bytes.js';

// Per-Packet Information header (DLT_PPI, 192), all little-endian:
//   version(1) flags(1) header length(2) DLT of the encapsulated frame(4) then TLV fields:
//   field type(2) field length(2) data (padded to 4 bytes when flags bit 0 is set).
// The 802.11-Common field (type 2) carries TSF timer(8) then flags(2), whose bit 0 says the frame
// ends with an FCS; it is trimmed so it never counts as payload.
export const PPI_HEADER_LEN = 8;
export const PPI_FLAGS = 1;
export const PPI_LENGTH = 2;
export const PPI_DLT = 4;
export const PPI_FLAG_ALIGNED = 0x01;
export const PPI_FIELD_HEADER_LEN = 4;
export const PPI_FIELD_80211_COMMON = 2;
/** offset of the flags inside the 802.11-Common field's data */
export const PPI_80211_COMMON_FLAGS = 8;
export const PPI_80211_FLAG_FCS = 0x0001;
export const FCS_LEN = 4;
/** real PPI headers have a handful of fields; more is hostile input we need not walk */
const MAX_PPI_FIELDS = 32;

export function decodePpi(p: DecodedPacket): number {
  const b = p.buf;
  const o = p.off;
  if (p.end - o < PPI_HEADER_LEN) return p.weird(Anomaly.truncated_ppi);
  const len = u16le(b, o + PPI_LENGTH);
  if (len < PPI_HEADER_LEN || len > p.end - o) return p.weird(Anomaly.truncated_ppi);
  const dlt = u32le(b, o + PPI_DLT);
  const aligned = (b[o + PPI_FLAGS]! & PPI_FLAG_ALIGNED) !== 0;

  let fcs = false;
  const hdrEnd = o + len;
  let f = o + PPI_HEADER_LEN;
  for (let n = 0; n < MAX_PPI_FIELDS && hdrEnd - f >= PPI_FIELD_HEADER_LEN; n++) {
    const type = u16le(b, f);
    const dataLen = u16le(b, f + 2);
    const data = f + PPI_FIELD_HEADER_LEN;
    if (dataLen > hdrEnd - data) {
      // a field runs past the header: the header length still says where the frame starts
      p.weird(Anomaly.truncated_ppi);
      break;
    }
    if (type === PPI_FIELD_80211_COMMON && dataLen >= PPI_80211_COMMON_FLAGS + 2) {
      fcs = (u16le(b, data + PPI_80211_COMMON_FLAGS) & PPI_80211_FLAG_FCS) !== 0;
    }
    f = data + dataLen;
    if (aligned) f = o + ((f - o + 3) & ~3);
  }

  p.off = hdrEnd;
  // a snap-truncated record lost its tail, FCS included
  if (fcs && !p.snapTruncated && p.end - p.off >= FCS_LEN) p.end -= FCS_LEN;
  const next = dlt < linkTypeLayer.length ? linkTypeLayer[dlt]! : 0;
  if (next === 0) return p.weird(Anomaly.unknown_link_type);
  return next;
}
