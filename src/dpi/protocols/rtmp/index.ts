import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// RTMP (Adobe, "Real-Time Messaging Protocol" specification 1.0, December 2012), §5.2 handshake:
// the client sends C0 (one version byte, 3) and C1 (1536 bytes: time, 4 bytes that are zero in
// the simple handshake but carry a version in Flash's digest handshake, random data); the server
// answers S0 (version) S1 (1536) S2 (1536). §5.2.1: the client must wait for S1 before sending
// C2, and the server for C1 before S2 and for C2 before anything else, so each side's stream
// pauses at a fixed length: 1537 after C0+C1 (and after S0+S1 when S2 follows apart), 3073 after
// S0+S1+S2. Those pauses, seen at packet boundaries, are what a lone 0x03 cannot give.
// Version 6 is RTMPE (encrypted RTMP, the same handshake shape) and is named RTMP too.
// The roles are not taken from the flow's direction: a capture may start with the server.

const HANDSHAKE_BLOCK = 1536;
/** C0+C1, or S0+S1 */
const VERSION_AND_BLOCK = 1 + HANDSHAKE_BLOCK;
/** S0+S1+S2, or C0+C1+C2 */
const VERSION_AND_TWO_BLOCKS = 1 + 2 * HANDSHAKE_BLOCK;

const isVersion = (b: number): boolean => b === 3 || b === 6;

interface State {
  /** per direction: the stream's first byte (-1 before any) */
  first: [number, number];
  len: [number, number];
  /** per direction: the stream stopped at exactly 1537 bytes at some packet boundary */
  pausedAfterBlock: [boolean, boolean];
  /** per direction: the stream stopped at exactly 3073 bytes at some packet boundary */
  pausedAfterTwoBlocks: [boolean, boolean];
}

/**
 * TPKT (RFC 1006: version 3, reserved 0, 2-byte length) also starts with 0x03 and is the first
 * thing RDP, S7comm and ISO-on-TCP send: a segment that is exactly one TPKT packet is not C0+C1.
 */
function isWholeTpkt(d: Uint8Array, off: number, len: number): boolean {
  return len >= 7 && d[off + 1] === 0 && ((d[off + 2]! << 8) | d[off + 3]!) === len;
}

/**
 * §5.3.1, §7.2.1.1: the first message after the handshake is the client's "connect" command
 * (AMF0 command, type 20, or AMF3 command, type 17), possibly after protocol control messages
 * (types 1–6, chunk stream 2, message stream 0). `p` is the first chunk's first byte.
 */
export function isFirstChunk(d: Uint8Array, p: number, end: number): boolean | undefined {
  if (p >= end) return undefined;
  const basic = d[p]!;
  if (basic >> 6 !== 0) return false; // the first chunk of a chunk stream carries a full (type 0) header
  const csid = basic & 0x3f;
  const headerAt = p + (csid === 0 ? 2 : csid === 1 ? 3 : 1);
  if (headerAt + 11 > end) return undefined;
  const timestamp = (d[headerAt]! << 16) | (d[headerAt + 1]! << 8) | d[headerAt + 2]!;
  const length = (d[headerAt + 3]! << 16) | (d[headerAt + 4]! << 8) | d[headerAt + 5]!;
  const type = d[headerAt + 6]!;
  const streamId = d[headerAt + 7]! | (d[headerAt + 8]! << 8) | (d[headerAt + 9]! << 16) | (d[headerAt + 10]! << 24);
  let body = headerAt + 11 + (timestamp === 0xffffff ? 4 : 0);
  if (type >= 1 && type <= 6) return csid === 2 && streamId === 0 && length >= 4 && length <= 5;
  if (type !== 20 && type !== 17) return false;
  if (length < 10) return false;
  if (type === 17) {
    if (body >= end) return undefined;
    if (d[body] !== 0) return false; // AMF3 command messages open with an AMF0 format byte
    body++;
  }
  // AMF0 string marker, length 7, "connect"
  const name = [0x02, 0x00, 0x07, 0x63, 0x6f, 0x6e, 0x6e, 0x65, 0x63, 0x74];
  for (let i = 0; i < name.length; i++) {
    if (body + i >= end) return undefined;
    if (d[body + i] !== name[i]) return false;
  }
  return true;
}

export default defineDissector<State>({
  name: 'rtmp',
  protocols: [{ name: 'RTMP', category: 'Media', kind: 'protocol', tcpPorts: [1935], description: 'Real-Time Messaging Protocol (Adobe Flash media streaming), plain or RTMPE' }],
  transports: Transport.Tcp,
  firstBytes: [3, 6],
  // C0+C1 and S0+S1+S2 take five full-size segments; C2 and the connect command a few more
  maxPackets: 16,
  fields: [{ name: 'version', type: 'int', description: 'handshake version: 3 plain RTMP, 6 RTMPE (encrypted)' }],
  probe(d, off, len) {
    // no single handshake message is longer than S0+S1+S2
    return isVersion(d[off]!) && len <= VERSION_AND_TWO_BLOCKS && !isWholeTpkt(d, off, len);
  },
  createState() {
    return { first: [-1, -1], len: [0, 0], pausedAfterBlock: [false, false], pausedAfterTwoBlocks: [false, false] };
  },
  inspect(s, d, off, len, ctx) {
    // the pauses are counted in bytes: a hole makes them meaningless
    if (ctx.gap) return Verdict.NotMine;
    const dir = ctx.dir;
    const other = dir === 0 ? 1 : 0;
    if (s.first[dir] < 0) {
      s.first[dir] = d[off]!;
      if (isVersion(d[off]!) && isWholeTpkt(d, off, len)) return Verdict.NotMine;
    }
    s.len[dir] = len;
    if (len === VERSION_AND_BLOCK) s.pausedAfterBlock[dir] = true;
    if (len === VERSION_AND_TWO_BLOCKS) s.pausedAfterTwoBlocks[dir] = true;

    const name = (version: number): 1 => {
      ctx.setProtocol(ctx.protocolId('RTMP'));
      ctx.setField('version', version);
      return Verdict.Done;
    };
    // C0+C1 answered by S0+S1 (or S0+S1 answered by C0+C1, when the capture has them late)
    for (const x of [dir, other]) {
      const y = x === 0 ? 1 : 0;
      if (s.pausedAfterBlock[x] && isVersion(s.first[x]) && isVersion(s.first[y]) && s.len[y] >= VERSION_AND_BLOCK) {
        // a server that does not speak the client's version answers 3 (§5.2.2)
        return name(Math.min(s.first[x], s.first[y]));
      }
    }
    // S0+S1+S2 whole, when C0+C1 were not captured: the client's side then starts with C2 (random
    // bytes), or has sent nothing yet; a side that paused at 1537 too may be C0+C1+C2, which waits
    // for the chunk that follows
    if (s.pausedAfterTwoBlocks[dir] && isVersion(s.first[dir])) {
      if (s.first[other] >= 0 ? !isVersion(s.first[other]) : !s.pausedAfterBlock[dir]) return name(s.first[dir]);
    }
    // one direction only: C0+C1, a pause, C2, then the first chunk
    if (s.pausedAfterBlock[dir] && isVersion(s.first[dir]) && len > VERSION_AND_TWO_BLOCKS) {
      const chunk = isFirstChunk(d, off + VERSION_AND_TWO_BLOCKS, off + len);
      if (chunk === true) return name(s.first[dir]);
      if (chunk === false && s.first[other] < 0) return Verdict.NotMine;
    }

    if (isVersion(s.first[dir]) && len > VERSION_AND_TWO_BLOCKS && !s.pausedAfterBlock[dir] && !s.pausedAfterTwoBlocks[dir]) return Verdict.NotMine;
    if (s.first[0] >= 0 && s.first[1] >= 0 && !isVersion(s.first[0]) && !isVersion(s.first[1])) return Verdict.NotMine;
    return Verdict.Continue;
  },
});
