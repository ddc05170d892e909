import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32le } from '../../helpers/text.js';

// MongoDB wire protocol (MongoDB manual, "Wire Protocol"): every message starts with a 16-byte
// header, little-endian int32 messageLength (header included), requestID, responseTo, opCode:
// 1 OP_REPLY, 2004 OP_QUERY, 2012 OP_COMPRESSED, 2013 OP_MSG (and legacy 2001..2007). A
// request has responseTo 0; OP_MSG flag bits 2..15 are reserved (must be 0).

interface State {
  done: boolean;
}

const OPCODES: Record<number, string> = { 1: 'OP_REPLY', 2001: 'OP_UPDATE', 2002: 'OP_INSERT', 2004: 'OP_QUERY', 2005: 'OP_GET_MORE', 2006: 'OP_DELETE', 2007: 'OP_KILL_CURSORS', 2012: 'OP_COMPRESSED', 2013: 'OP_MSG' };

export function parseMongoHeader(d: Uint8Array, off: number, len: number): string | null {
  if (len < 21) return null;
  const l = u32le(d, off);
  if (l < 21 || l > 48 * 1024 * 1024) return null;
  const op = u32le(d, off + 12);
  const name = OPCODES[op];
  if (!name) return null;
  if (op === 2013) {
    const flags = u32le(d, off + 16);
    if ((flags & 0xfffc) !== 0) return null;
    // a section: kind 0 (body) or 1 (document sequence)
    if (d[off + 20]! > 2) return null;
  }
  if (op === 1 && (l < 36 || u32le(d, off + 8) === 0)) return null; // a reply answers a request
  return name;
}

export default defineDissector<State>({
  name: 'mongodb',
  protocols: [{ name: 'MongoDB', category: 'Database', kind: 'protocol', tcpPorts: [27017, 27018, 27019], description: 'MongoDB wire protocol' }],
  transports: Transport.Tcp,
  maxPackets: 3,
  fields: [{ name: 'first_opcode', type: 'string', description: 'the opcode of the first message (OP_MSG, OP_QUERY, …)' }],
  probe(d, off, len) {
    return len < 21 ? len >= 1 : parseMongoHeader(d, off, len) !== null;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (len < 21) return Verdict.Continue;
    const op = parseMongoHeader(d, off, len);
    if (!op || (op === 'OP_REPLY') !== (ctx.dir === 1)) return Verdict.NotMine;
    const l = u32le(d, off);
    // a whole message: its BSON document length must fit it
    if (len >= l && op === 'OP_MSG' && d[off + 20] === 0 && l >= 26) {
      const docLen = u32le(d, off + 21);
      if (docLen < 5 || docLen > l - 21) return Verdict.NotMine;
    }
    ctx.setProtocol(ctx.protocolId('MongoDB'));
    ctx.setField('first_opcode', op);
    return Verdict.Done;
  },
});
