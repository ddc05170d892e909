import { Anomaly } from '../decode/anomaly.js';
import { Layer } from '../decode/layers.js';
import { type DecodedPacket } from '../decode/packet.js';
import { u16le, u32le } from './bytes.js';

// Radiotap (DLT_IEEE802_11_RADIO, 127), little-endian:
//   version(1)=0 pad(1) length(2) present(4) [more present words while bit 31 is set] fields…
// Fields are aligned to their natural size relative to the start of the header. Only the Flags
// field (present bit 1) matters here: its 0x10 bit says the 802.11 frame ends with a 4-byte FCS.
// The only field before it is TSFT (bit 0, 8 bytes, 8-aligned).
export const RADIOTAP_MIN_HEADER_LEN = 8;
export const RADIOTAP_LENGTH = 2;
export const RADIOTAP_PRESENT = 4;
export const RADIOTAP_PRESENT_TSFT = 1 << 0;
export const RADIOTAP_PRESENT_FLAGS = 1 << 1;
export const RADIOTAP_PRESENT_EXT = 0x80000000;
export const RADIOTAP_FLAG_FCS = 0x10;
export const FCS_LEN = 4;

export function decodeRadiotap(p: DecodedPacket): number {
  const b = p.buf;
  const o = p.off;
  if (p.end - o < RADIOTAP_MIN_HEADER_LEN) return p.weird(Anomaly.truncated_radiotap);
  const len = u16le(b, o + RADIOTAP_LENGTH);
  if (len < RADIOTAP_MIN_HEADER_LEN || len > p.end - o) return p.weird(Anomaly.truncated_radiotap);
  const present = u32le(b, o + RADIOTAP_PRESENT);

  let fcs = false;
  if ((present & RADIOTAP_PRESENT_FLAGS) !== 0) {
    // fields start after the last present word
    let f = RADIOTAP_PRESENT + 4;
    let word = present;
    while ((word & RADIOTAP_PRESENT_EXT) !== 0 && f + 4 <= len) {
      word = u32le(b, o + f);
      f += 4;
    }
    if ((present & RADIOTAP_PRESENT_TSFT) !== 0) f = ((f + 7) & ~7) + 8;
    if ((word & RADIOTAP_PRESENT_EXT) !== 0 || f >= len) {
      // the fields claimed do not fit the header: the length still says where the frame starts
      // (Wireshark goes on too), but the FCS flag is unknown
      p.weird(Anomaly.truncated_radiotap);
    } else {
      fcs = (b[o + f]! & RADIOTAP_FLAG_FCS) !== 0;
    }
  }

  p.off = o + len;
  // a snap-truncated record lost its tail, FCS included
  if (fcs && !p.snapTruncated && p.end - p.off >= FCS_LEN) p.end -= FCS_LEN;
  return Layer.Ieee80211;
}
