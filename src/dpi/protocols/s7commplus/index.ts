import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';
import { COTP_CC, COTP_CR, COTP_DT, probeIsoOnTcp, readCotpUnit, TPKT_VERSION } from '../../helpers/iso-on-tcp.js';

// Siemens S7CommPlus (S7-1200 / S7-1500), TCP 102, over ISO-on-TCP: RFC 1006 TPKT (version 3,
// reserved 0, u16 length of the whole packet) and ISO 8073 COTP (length indicator, then the
// TPDU code: 0xE0 CR and 0xD0 CC set the connection up, 0xF0 DT carries data, its next byte's
// bit 0x80 marking the last unit). Siemens publishes no specification; the public descriptions
// of the protocol (Wireshark's S7comm-plus notes, published PLC security research) agree on
// its frame inside a DT: protocol id 0x72, a protocol version byte (1, 2 or 3), a u16 big-endian
// length of the data that follows, the data, and a trailer 0x72, the same version, 0x0000.
// Version 1 frames (the session set-up, CreateObject, is always one) start their data with an
// opcode: 0x31 request, 0x32 response, 0x33 notification; versions 2 and 3 may put an integrity
// part there, so only their framing is checked. Classic S7comm (protocol id 0x32) is the
// s7comm folder's; ISO 8327 session traffic (MMS) the mms folder's.

const PROTOCOL_ID = 0x72;
const FRAME_HEADER = 4;
const FRAME_TRAILER = 4;
const V1_OPCODES = new Set([0x31, 0x32, 0x33]);

/**
 * The S7CommPlus frame in one COTP DT's user data d[p..end): its version, or null. A frame
 * split over several DTs is not recognised from its first piece.
 */
export function s7CommPlusFrame(d: Uint8Array, p: number, end: number): number | null {
  const n = end - p;
  if (n < FRAME_HEADER + 1 + FRAME_TRAILER || d[p] !== PROTOCOL_ID) return null;
  const version = d[p + 1]!;
  if (version < 1 || version > 3) return null;
  if (FRAME_HEADER + u16be(d, p + 2) + FRAME_TRAILER !== n) return null;
  const t = end - FRAME_TRAILER;
  if (d[t] !== PROTOCOL_ID || d[t + 1] !== version || d[t + 2] !== 0 || d[t + 3] !== 0) return null;
  if (version === 1 && !V1_OPCODES.has(d[p + FRAME_HEADER]!)) return null;
  return version;
}

/**
 * Walks the TPKTs of a stream: the version of the first S7CommPlus frame, undefined when more
 * bytes are needed (or only the connection set-up was seen), null when something else is there.
 */
export function scanStream(d: Uint8Array, off: number, len: number): number | null | undefined {
  let p = 0;
  for (let units = 0; units < 8 && p < len; units++) {
    const unit = readCotpUnit(d, off + p, len - p);
    if (unit === 'more') return undefined;
    if (unit === null) return null;
    if (unit.code === COTP_DT) {
      // DT: length indicator 2 (code, then TPDU number with the end-of-data bit)
      if (unit.li !== 2 || !unit.lastOfTsdu) return null;
      return s7CommPlusFrame(d, unit.data, off + p + unit.size);
    }
    if (unit.code !== COTP_CR && unit.code !== COTP_CC) return null;
    p += unit.size;
  }
  return undefined;
}

export default defineDissector<Record<string, never>>({
  name: 's7commplus',
  protocols: [{ name: 'S7CommPlus', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [102], description: 'Siemens S7 communication plus (S7-1200/1500)' }],
  transports: Transport.Tcp,
  firstBytes: [TPKT_VERSION],
  // the connection set-up, then a first frame that may come in many small segments
  maxPackets: 30,
  fields: [{ name: 'version', type: 'int', description: 'S7CommPlus protocol version of the first frame: 1, 2 or 3' }],
  probe: probeIsoOnTcp,
  createState() {
    return {};
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.gap) return Verdict.NotMine;
    const version = scanStream(d, off, len);
    if (version === undefined) return Verdict.Continue;
    if (version === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('S7CommPlus'));
    ctx.setField('version', version);
    return Verdict.Done;
  },
});
