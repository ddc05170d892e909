import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be, u32be } from '../../helpers/text.js';

// BFCP, the Binary Floor Control Protocol (RFC 8855 §5.1, RFC 4582): a 12-byte common header —
// Ver (3 bits: 1, or 2 over UDP), R, F, 3 reserved bits (zero), Primitive (1–17), Payload
// Length (16 bits, in 4-octet units, header excluded), Conference ID (32), Transaction ID (16),
// User ID (16). A transaction's answer carries the same conference, transaction and user ids
// (§8): a flow is named when the other side answers a message with the same three ids.

interface State {
  first: { dir: 0 | 1; conf: number; trans: number; user: number; prim: number } | null;
}

export interface BfcpHeader {
  version: number;
  primitive: number;
  conf: number;
  trans: number;
  user: number;
}

export function bfcpHeader(d: Uint8Array, off: number, len: number): BfcpHeader | null | undefined {
  if (len < 1) return undefined;
  const b = d[off]!;
  const version = b >> 5;
  if ((version !== 1 && version !== 2) || (b & 0x07) !== 0) return null;
  if (len < 12) return undefined;
  const primitive = d[off + 1]!;
  if (primitive < 1 || primitive > 17) return null;
  const words = u16be(d, off + 2);
  if (words > 0x4000) return null;
  return { version, primitive, conf: u32be(d, off + 4), trans: u16be(d, off + 8), user: u16be(d, off + 10) };
}

const FIRST = [0x20, 0x28, 0x30, 0x38, 0x40, 0x48, 0x50, 0x58];

export default defineDissector<State>({
  name: 'bfcp',
  protocols: [{ name: 'BFCP', category: 'VoIP', kind: 'protocol', description: 'Binary Floor Control Protocol (conference floor control)' }],
  transports: Transport.Tcp | Transport.Udp,
  firstBytes: FIRST,
  maxPackets: 4,
  fields: [{ name: 'primitive', type: 'int', description: 'the first message primitive (1 FloorRequest, 2 FloorRelease, …, 17)' }],
  probe(d, off, len) {
    return len > 0 && FIRST.includes(d[off]!);
  },
  createState() {
    return { first: null };
  },
  inspect(s, d, off, len, ctx) {
    if (ctx.gap) return Verdict.NotMine;
    // TCP: the stream's first message; UDP: this datagram
    const h = bfcpHeader(d, off, len);
    if (h === undefined) return Verdict.Continue;
    if (h === null) return s.first && ctx.l4 === 17 && ctx.dir === s.first.dir ? Verdict.Continue : Verdict.NotMine;
    if (s.first === null) {
      s.first = { dir: ctx.dir, conf: h.conf, trans: h.trans, user: h.user, prim: h.primitive };
      return Verdict.Continue;
    }
    if (ctx.dir === s.first.dir) return Verdict.Continue;
    if (h.conf !== s.first.conf || h.trans !== s.first.trans || h.user !== s.first.user) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('BFCP'));
    ctx.setField('primitive', s.first.prim);
    return Verdict.Done;
  },
});
