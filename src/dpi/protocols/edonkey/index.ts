import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32le } from '../../helpers/text.js';

// eDonkey2000 / eMule TCP (the eDonkey protocol as documented by the eMule project and in
// Kulbak & Bickson, "The eMule Protocol Specification", 2005): every message has a 5-byte
// header — protocol (0xE3 eDonkey, 0xC5 eMule extensions, 0xD4 zlib-packed), a 32-bit
// little-endian size of what follows, then the opcode. A connection opens with Hello (0x01),
// whose body starts with the user-hash size 16, or a server login (also 0x01). A flow is named
// by such a Hello exactly filling its message, or by valid headers in both directions. The
// user hash, client id, names and file names are not output.

interface State {
  ok: [boolean, boolean];
}

const PROTOS = [0xe3, 0xc5, 0xd4];
const MAX = 0x200000;

/** the opcode of the message at data[off..] when the stream holds it whole (or it is followed by
 * another header): null when not eDonkey, undefined when incomplete */
export function ed2kMessage(d: Uint8Array, off: number, len: number): { opcode: number; hello: boolean } | null | undefined {
  if (len < 1) return undefined;
  if (!PROTOS.includes(d[off]!)) return null;
  if (len < 6) return undefined;
  const size = u32le(d, off + 1);
  if (size < 1 || size > MAX) return null;
  const end = 5 + size;
  if (len < end) return end > 65536 ? null : undefined;
  if (len > end && !PROTOS.includes(d[off + end]!)) return null;
  const opcode = d[off + 5]!;
  // Hello: hash size 16, hash, client id, port, tag count — at least 27 bytes after the opcode
  const hello = d[off] === 0xe3 && opcode === 0x01 && size >= 28 && d[off + 6] === 0x10;
  return { opcode, hello };
}

export default defineDissector<State>({
  name: 'edonkey',
  protocols: [{ name: 'eDonkey', category: 'P2P', kind: 'protocol', tcpPorts: [4662], description: 'eDonkey2000 / eMule peer and server protocol' }],
  transports: Transport.Tcp,
  firstBytes: PROTOS,
  maxPackets: 4,
  fields: [{ name: 'first_opcode', type: 'int', description: 'the opcode of the first message' }],
  probe(d, off, len) {
    return len >= 1 && PROTOS.includes(d[off]!);
  },
  createState() {
    return { ok: [false, false] };
  },
  inspect(s, d, off, len, ctx) {
    const dir = ctx.dir;
    if (s.ok[dir]) return Verdict.Continue;
    if (ctx.gap) return Verdict.NotMine;
    const m = ed2kMessage(d, off, len);
    if (m === undefined) return Verdict.Continue;
    if (m === null) return Verdict.NotMine;
    s.ok[dir] = true;
    if (!s.ok[0] || !s.ok[1]) ctx.setField('first_opcode', m.opcode);
    if (m.hello || (s.ok[0] && s.ok[1])) {
      ctx.setProtocol(ctx.protocolId('eDonkey'));
      return Verdict.Done;
    }
    return Verdict.Continue;
  },
});
