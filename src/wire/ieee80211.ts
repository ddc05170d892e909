import { Anomaly } from '../decode/anomaly.js';
import { Layer } from '../decode/layers.js';
import { type DecodedPacket } from '../decode/packet.js';
import { u16, u16le, u32 } from './bytes.js';

// IEEE 802.11 MAC header (DLT_IEEE802_11, 105). Frame control: byte 0 = subtype(4) type(2)
// version(2), byte 1 = flags. Only data frames (type 2) carry an LLC/SNAP header and IP:
//   FC(2) duration(2) addr1(6) addr2(6) addr3(6) seq-ctl(2)        = 24
//   + addr4(6) when ToDS and FromDS are both set (WDS / mesh)
//   + QoS control(2) for QoS subtypes (subtype bit 0x8)
//   + HT control(4) when the Order bit is set on a QoS data frame
// Management and control frames, encrypted (Protected) frames, null-data subtypes (bit 0x4) and
// non-first fragments hold no readable IP and end the stack without an anomaly.
export const IEEE80211_MIN_HEADER_LEN = 24;
export const IEEE80211_FC_FLAGS = 1;
export const IEEE80211_SEQ_CTL = 22;
export const IEEE80211_ADDR4_LEN = 6;
export const IEEE80211_QOS_LEN = 2;
export const IEEE80211_HT_CONTROL_LEN = 4;
export const IEEE80211_TYPE_DATA = 2;
export const IEEE80211_SUBTYPE_QOS = 0x8;
export const IEEE80211_SUBTYPE_NO_DATA = 0x4;
export const IEEE80211_FLAG_TO_DS = 0x01;
export const IEEE80211_FLAG_FROM_DS = 0x02;
export const IEEE80211_FLAG_PROTECTED = 0x40;
export const IEEE80211_FLAG_ORDER = 0x80;
export const IEEE80211_QOS_AMSDU = 0x80;
/** A-MSDU subframe header: DA(6) SA(6) length(2, big-endian) */
export const AMSDU_SUBFRAME_HEADER_LEN = 14;

export function decodeIeee80211(p: DecodedPacket): number {
  const b = p.buf;
  const o = p.off;
  // control frames can be as short as 10 bytes: read the frame control first
  if (p.end - o < 2) return p.weird(Anomaly.truncated_80211);
  const swapped = p.ieee80211Swapped;
  const fc0 = swapped ? b[o + 1]! : b[o]!;
  const flags = swapped ? b[o]! : b[o + IEEE80211_FC_FLAGS]!;
  if ((fc0 & 0x03) !== 0) return Layer.End; // protocol version other than 0: unknown layout
  if (((fc0 >> 2) & 0x03) !== IEEE80211_TYPE_DATA) return Layer.End; // management / control
  const subtype = fc0 >> 4;

  let hdrLen = IEEE80211_MIN_HEADER_LEN;
  const fourAddr = (flags & (IEEE80211_FLAG_TO_DS | IEEE80211_FLAG_FROM_DS)) === (IEEE80211_FLAG_TO_DS | IEEE80211_FLAG_FROM_DS);
  if (fourAddr) hdrLen += IEEE80211_ADDR4_LEN;
  const qosOff = o + hdrLen;
  const qos = (subtype & IEEE80211_SUBTYPE_QOS) !== 0;
  if (qos) {
    hdrLen += IEEE80211_QOS_LEN;
    if ((flags & IEEE80211_FLAG_ORDER) !== 0) hdrLen += IEEE80211_HT_CONTROL_LEN;
  }
  if (p.end - o < hdrLen) return p.weird(Anomaly.truncated_80211);

  if ((flags & IEEE80211_FLAG_PROTECTED) !== 0) return Layer.End; // encrypted body
  if ((subtype & IEEE80211_SUBTYPE_NO_DATA) !== 0) return Layer.End; // null / CF-poll: no body
  // fragment number != 0: the body continues an earlier fragment, no LLC header here
  if (((swapped ? u16(b, o + IEEE80211_SEQ_CTL) : u16le(b, o + IEEE80211_SEQ_CTL)) & 0x000f) !== 0) return Layer.End;

  let body = o + hdrLen;
  if (qos && (b[qosOff]! & IEEE80211_QOS_AMSDU) !== 0) {
    // aggregated MSDU: decode the first subframe (its LLC follows the subframe header)
    if (p.end - body < AMSDU_SUBFRAME_HEADER_LEN) return p.weird(Anomaly.truncated_80211);
    const subLen = u16(b, body + 12);
    body += AMSDU_SUBFRAME_HEADER_LEN;
    if (body + subLen < p.end) p.end = body + subLen;
  }
  p.off = body;
  return Layer.Llc;
}

/**
 * Cisco access points send CAPWAP 802.11 frames with the frame control and sequence control
 * fields byte-swapped (Wireshark's capwap.swap_fc). True when only the swapped reading gives a
 * data frame followed by an LLC/SNAP header, so standard senders are read as they are.
 */
export function ieee80211FieldsSwapped(b: Uint8Array, o: number, end: number): boolean {
  return !dataFrameWithSnap(b, o, end, false) && dataFrameWithSnap(b, o, end, true);
}

function dataFrameWithSnap(b: Uint8Array, o: number, end: number, swapped: boolean): boolean {
  if (end - o < IEEE80211_MIN_HEADER_LEN + 3) return false;
  const fc0 = swapped ? b[o + 1]! : b[o]!;
  const flags = swapped ? b[o]! : b[o + 1]!;
  if ((fc0 & 0x03) !== 0 || ((fc0 >> 2) & 0x03) !== IEEE80211_TYPE_DATA) return false;
  let hdrLen = IEEE80211_MIN_HEADER_LEN;
  if ((flags & (IEEE80211_FLAG_TO_DS | IEEE80211_FLAG_FROM_DS)) === (IEEE80211_FLAG_TO_DS | IEEE80211_FLAG_FROM_DS)) hdrLen += IEEE80211_ADDR4_LEN;
  if (((fc0 >> 4) & IEEE80211_SUBTYPE_QOS) !== 0) {
    hdrLen += IEEE80211_QOS_LEN;
    if ((flags & IEEE80211_FLAG_ORDER) !== 0) hdrLen += IEEE80211_HT_CONTROL_LEN;
  }
  const body = o + hdrLen;
  return body + 3 <= end && b[body] === 0xaa && b[body + 1] === 0xaa && b[body + 2] === 0x03;
}

// Capture headers in front of 802.11 frames on DLT_PRISM_HEADER (119):
// - AVS (wlancap): big-endian; version cookie 0x80211001 / 0x80211002, then the header length(4)
// - Prism (linux-wlan-ng): message code(4) message length(4) device name(16) then 10 DID items of
//   12 bytes: 144 bytes. The message length is not trusted (nor by tcpdump or Wireshark): the
//   header has one layout, and that length is what every driver writes.
export const AVS_COOKIE_V1 = 0x80211001;
export const AVS_COOKIE_V2 = 0x80211002;
export const AVS_LENGTH = 4;
export const AVS_MIN_HEADER_LEN = 8;
export const PRISM_HEADER_LEN = 144;

export function decodeIeee80211Prism(p: DecodedPacket): number {
  const b = p.buf;
  const o = p.off;
  if (p.end - o < AVS_MIN_HEADER_LEN) return p.weird(Anomaly.truncated_link_header);
  const cookie = u32(b, o);
  let len = PRISM_HEADER_LEN;
  if (cookie === AVS_COOKIE_V1 || cookie === AVS_COOKIE_V2) {
    len = u32(b, o + AVS_LENGTH);
    if (len < AVS_MIN_HEADER_LEN) return p.weird(Anomaly.truncated_link_header);
  }
  if (len > p.end - o) return p.weird(Anomaly.truncated_link_header);
  p.off = o + len;
  return Layer.Ieee80211;
}
