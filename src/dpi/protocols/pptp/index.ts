import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be, u32be } from '../../helpers/text.js';

// PPTP control connection (RFC 2637 §2): TCP 1723; every control message starts with Length
// (16 bits, the whole message), PPTP Message Type (1 control, 2 management), the Magic Cookie
// 0x1A2B3C4D, Control Message Type (1 Start-Control-Connection-Request … 15 Set-Link-Info) and
// a zero Reserved0. The first, Start-Control-Connection-Request, is 156 bytes and carries the
// protocol version (1.0) and the host and vendor names (not output).

interface State {
  done: boolean;
}

/** fixed lengths of the control messages (RFC 2637 §2.1–2.15) */
const LENGTHS = [0, 156, 156, 16, 16, 16, 20, 168, 32, 220, 24, 16, 148, 28, 24, 24];

export function pptpMessage(d: Uint8Array, off: number, len: number): number | null | undefined {
  if (len < 12) return len >= 4 && u16be(d, off + 2) !== 1 ? null : undefined;
  const mlen = u16be(d, off);
  const type = u16be(d, off + 8);
  if (u16be(d, off + 2) !== 1 || u32be(d, off + 4) !== 0x1a2b3c4d || type < 1 || type > 15) return null;
  if (u16be(d, off + 10) !== 0 || mlen !== LENGTHS[type]) return null;
  return type;
}

export default defineDissector<State>({
  name: 'pptp',
  protocols: [{ name: 'PPTP', category: 'VPN', kind: 'protocol', tcpPorts: [1723], description: 'Point-to-Point Tunneling Protocol control connection' }],
  transports: Transport.Tcp,
  firstBytes: [0x00],
  maxPackets: 3,
  fields: [{ name: 'first_message', type: 'int', description: 'the first control message type (1: Start-Control-Connection-Request)' }],
  probe(d, off, len) {
    return len >= 1 && d[off] === 0x00;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.gap) return Verdict.NotMine;
    const t = pptpMessage(d, off, len);
    if (t === undefined) return Verdict.Continue;
    if (t === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('PPTP'));
    ctx.setField('first_message', t);
    return Verdict.Done;
  },
});
