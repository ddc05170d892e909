import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { CALL_SERVICES_BY_ADDRESS } from '../stun/call-services.js';

// RTP and RTCP over UDP (RFC 3550), told apart as RFC 5761 §4 does: the second byte of RTCP is
// its packet type (200–206 here), which for RTP would be a marker bit set over payload type
// 72–78, values RTP avoids. Both start with version 2 (first byte 128–191, RFC 7983).
//
// RTP (§5.1): V=2, P, X, CC (CSRC count), M, PT, 16-bit sequence number, 32-bit timestamp,
// 32-bit SSRC, CC × 4 bytes of CSRC, then an optional extension (§5.3.1: 2 bytes profile,
// 2 bytes length in 32-bit words) and, with P, padding whose last byte counts it. One datagram
// proves little: RTP is named when one direction shows the same SSRC with a sequence number that
// advances by a little over 3 packets, or each direction over 2.
//
// RTCP (§6.4–6.6, RFC 4585 §6.1 for 205/206): V=2, P, a 5-bit count, the packet type, then the
// length in 32-bit words minus one. A compound datagram is packets back to back that end exactly
// at the datagram's end; each type has a least length its count implies. One such datagram names
// RTCP.

export const RTCP_SR = 200;
export const RTCP_PSFB = 206;

/** Whether the datagram is a whole RTCP compound: packets back to back to its exact end. */
export function readRtcp(data: Uint8Array, off: number, len: number): boolean {
  if (len < 8 || (len & 3) !== 0) return false;
  let at = 0;
  for (let guard = 0; guard < 32 && at < len; guard++) {
    if (len - at < 4) return false;
    const b0 = data[off + at]!;
    const pt = data[off + at + 1]!;
    if (b0 >> 6 !== 2 || pt < RTCP_SR || pt > RTCP_PSFB) return false;
    const size = ((((data[off + at + 2]! << 8) | data[off + at + 3]!) + 1) * 4);
    if (size > len - at) return false;
    const count = b0 & 0x1f;
    // the least each type holds: header, sender SSRC, sender info (SR), report blocks
    let least = 8;
    if (pt === 200) least = 28 + count * 24;
    else if (pt === 201) least = 8 + count * 24;
    else if (pt === 202 || pt === 203) least = 4 + count * 4;
    else if (pt === 205 || pt === 206) least = 12; // packet sender and media source SSRCs
    if (size < least) return false;
    // padding (P) is allowed only in the last packet of a compound (§6.4.1)
    if ((b0 & 0x20) !== 0 && at + size !== len) return false;
    at += size;
  }
  return at === len;
}

/** Where an RTP packet's payload starts (header, CSRCs, extension), or -1 when it is not one. */
export function rtpPayloadAt(data: Uint8Array, off: number, len: number): number {
  if (len < 12) return -1;
  const b0 = data[off]!;
  if (b0 >> 6 !== 2) return -1;
  const pt = data[off + 1]! & 0x7f;
  // 72–76: would be read as RTCP SR–APP with the marker set (RFC 5761 §4)
  if (pt >= 72 && pt <= 76) return -1;
  let at = 12 + (b0 & 0x0f) * 4;
  if ((b0 & 0x10) !== 0) {
    if (len < at + 4) return -1;
    at += 4 + ((data[off + at + 2]! << 8) | data[off + at + 3]!) * 4;
  }
  if (at > len) return -1;
  if ((b0 & 0x20) !== 0) {
    const pad = data[off + len - 1]!;
    if (pad === 0 || at + pad > len) return -1;
  }
  return at;
}

const u32 = (d: Uint8Array, at: number): number => ((d[at]! << 24) | (d[at + 1]! << 16) | (d[at + 2]! << 8) | d[at + 3]!) >>> 0;

/** most a sequence number may advance between two packets seen (losses) */
const MAX_SEQ_STEP = 100;

interface State {
  /** per direction: SSRC (-1: none yet), last sequence number, packets in a row */
  ssrc: [number, number];
  seq: [number, number];
  run: [number, number];
}

export default defineDissector<State>({
  name: 'rtp',
  protocols: [
    { name: 'RTP', byAddress: CALL_SERVICES_BY_ADDRESS, category: 'Media', kind: 'protocol', description: 'Real-time Transport Protocol (audio and video)' },
    { name: 'RTCP', byAddress: CALL_SERVICES_BY_ADDRESS, category: 'Media', kind: 'protocol', description: 'RTP Control Protocol (reception reports for RTP)' },
  ],
  transports: Transport.Udp,
  firstBytes: Array.from({ length: 64 }, (_, i) => 128 + i),
  maxPackets: 8,
  probe(data, off, len) {
    const b1 = data[off + 1];
    if (b1 !== undefined && b1 >= RTCP_SR && b1 <= RTCP_PSFB) return readRtcp(data, off, len);
    return rtpPayloadAt(data, off, len) >= 0;
  },
  createState() {
    return { ssrc: [-1, -1], seq: [0, 0], run: [0, 0] };
  },
  inspect(state, data, off, len, ctx) {
    const rtpId = ctx.protocolId('RTP');
    const rtcpId = ctx.protocolId('RTCP');
    const cur = ctx.currentProtocol;
    // another protocol named the flow (STUN handing over its media): leave its name alone
    const foreign = cur !== 0 && cur !== rtpId && cur !== rtcpId;
    const b1 = data[off + 1];
    if (b1 !== undefined && b1 >= RTCP_SR && b1 <= RTCP_PSFB) {
      if (!readRtcp(data, off, len)) return Verdict.NotMine;
      if (foreign) return Verdict.Continue;
      // RTCP multiplexed with RTP (RFC 5761) keeps the flow's RTP name
      if (cur === 0) ctx.setProtocol(rtcpId);
      return Verdict.Done;
    }
    if (rtpPayloadAt(data, off, len) < 0) return Verdict.NotMine;
    const d = ctx.dir;
    const ssrc = u32(data, off + 8);
    const seq = (data[off + 2]! << 8) | data[off + 3]!;
    if (ssrc === 0) return Verdict.NotMine;
    if (state.ssrc[d] < 0) {
      state.ssrc[d] = ssrc;
      state.run[d] = 1;
    } else {
      const step = (seq - state.seq[d]) & 0xffff;
      if (state.ssrc[d] !== ssrc || step === 0 || step > MAX_SEQ_STEP) return Verdict.NotMine;
      state.run[d]++;
    }
    state.seq[d] = seq;
    if (state.run[d] >= 3 || (state.run[0] >= 2 && state.run[1] >= 2)) {
      if (foreign) return Verdict.Continue;
      ctx.setProtocol(rtpId);
      return Verdict.Done;
    }
    return Verdict.Continue;
  },
});
