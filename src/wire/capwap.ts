import { Anomaly } from '../decode/anomaly.js';
import { Layer, Tunnel } from '../decode/layers.js';
import { type DecodedPacket } from '../decode/packet.js';
import { ieee80211FieldsSwapped } from './ieee80211.js';
import { u16, u32 } from './bytes.js';
import { enterUdpTunnel, shortUdpTunnel } from './udp-tunnel.js';

// CAPWAP data channel (RFC 5415 §4.3, UDP 5247). Preamble (version 0, type 0; type 1 is a DTLS
// header: encrypted, not decoded), then HLEN (5 bits, header length in 4-byte words, preamble
// included), RID, WBID, flags T F L W M K, fragment id, fragment offset; the optional radio MAC
// and wireless-specific fields are inside HLEN. T=1: the frame is in the native format of the
// wireless binding (WBID 1: IEEE 802.11); T=0: an IEEE 802.3 (Ethernet) frame.

export const CAPWAP_MIN_HEADER_LEN = 8;
export const CAPWAP_PREAMBLE_DATA = 0x00;
export const CAPWAP_WBID_IEEE80211 = 1;
export const CAPWAP_FRAGMENT_OFFSET = 6;

export function decodeCapwap(p: DecodedPacket): number {
  const b = p.buf;
  const o = p.off;
  if (o >= p.end) return Layer.End;
  if (b[o]! !== CAPWAP_PREAMBLE_DATA) return Layer.End;
  if (p.end - o < CAPWAP_MIN_HEADER_LEN) return shortUdpTunnel(p, o + CAPWAP_MIN_HEADER_LEN, Anomaly.truncated_capwap);
  const word = u32(b, o);
  const headerLen = ((word >>> 19) & 0x1f) << 2;
  if (headerLen < CAPWAP_MIN_HEADER_LEN) return Layer.End;
  const wbid = (word >>> 9) & 0x1f;
  const native = (word >>> 8) & 1; // T
  const fragment = (word >>> 7) & 1; // F
  const keepAlive = (word >>> 3) & 1; // K
  if (keepAlive !== 0) return Layer.End; // data channel keep-alive: message elements, no frame
  // only the first fragment (offset 0) starts with the frame's headers
  if (fragment !== 0 && u16(b, o + CAPWAP_FRAGMENT_OFFSET) >> 3 !== 0) return Layer.End;
  if (o + headerLen > p.end) return shortUdpTunnel(p, o + headerLen, Anomaly.truncated_capwap);
  p.off = o + headerLen;
  let next: number = Layer.Ethernet;
  if (native !== 0) {
    if (wbid !== CAPWAP_WBID_IEEE80211) return Layer.End;
    next = Layer.Ieee80211;
    p.ieee80211Swapped = ieee80211FieldsSwapped(b, p.off, p.end);
  }
  return enterUdpTunnel(p, Tunnel.Capwap, next, Anomaly.truncated_capwap);
}
