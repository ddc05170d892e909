import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// LDP (RFC 5036 §3.1–3.5): a PDU header — version 1, PDU length (excluding version and length,
// ≤ 4096), LDP identifier (LSR id + label space, 6 bytes) — then messages: U bit + 15-bit type
// (0x0100 Hello over UDP 646, 0x0200 Initialization, 0x0201 KeepAlive, 0x0001 Notification,
// 0x0300/0x0301 Address, 0x0400… label messages), a 2-byte length and a message id.

interface State {
  done: boolean;
}

const TYPES: Record<number, string> = { 0x0001: 'Notification', 0x0100: 'Hello', 0x0200: 'Initialization', 0x0201: 'KeepAlive', 0x0300: 'Address', 0x0301: 'AddressWithdraw', 0x0400: 'LabelMapping', 0x0401: 'LabelRequest', 0x0404: 'LabelAbortRequest', 0x0402: 'LabelWithdraw', 0x0403: 'LabelRelease' };

export function ldpFirstMessage(d: Uint8Array, off: number, len: number): string | null {
  if (len < 10 + 8) return null;
  if (u16be(d, off) !== 1) return null;
  const pduLen = u16be(d, off + 2);
  if (pduLen < 6 + 8 || pduLen > 4096) return null;
  const type = u16be(d, off + 10) & 0x7fff;
  const name = TYPES[type];
  if (!name) return null;
  const msgLen = u16be(d, off + 12);
  if (msgLen < 4 || 10 + 4 + msgLen > 4 + pduLen) return null;
  return name;
}

export default defineDissector<State>({
  name: 'ldp',
  protocols: [{ name: 'LDP', category: 'Network', kind: 'protocol', tcpPorts: [646], udpPorts: [646], description: 'MPLS Label Distribution Protocol' }],
  transports: Transport.Tcp | Transport.Udp,
  firstBytes: [0x00],
  maxPackets: 2,
  fields: [{ name: 'first_message', type: 'string', description: 'the first LDP message (Hello, Initialization, …)' }],
  probe(d, off, len, ctx) {
    return len < 18 ? ctx.l4 === 6 && d[off] === 0 : ldpFirstMessage(d, off, len) !== null;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (len < 18) return ctx.l4 === 6 ? Verdict.Continue : Verdict.NotMine;
    const m = ldpFirstMessage(d, off, len);
    if (!m) return Verdict.NotMine;
    if (m === 'Hello' ? ctx.l4 !== 17 : ctx.l4 !== 6) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('LDP'));
    ctx.setField('first_message', m);
    return Verdict.Done;
  },
});
