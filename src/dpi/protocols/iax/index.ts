import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// IAX2 (RFC 5456 §8.1.1): a full frame has the F bit set, a 15-bit source call number, the R bit
// and a 15-bit destination call number, a 32-bit timestamp, OSeqno and ISeqno, a frame type
// (§8.2: 1 DTMF end … 0x0c DTMF begin; 6 is IAX control) and a subclass (C bit + 7 bits). IAX
// control frames (§8.4) carry information elements after the header (§8.6: type, length,
// data), which must fill the datagram exactly. UDP 4569. No IE values (numbers, names) are
// output.

interface State {
  done: boolean;
}

/** the subclass of an IAX control full frame, or -1 for other full frame types; null: not IAX2 */
export function iaxFullFrame(d: Uint8Array, off: number, len: number): number | null {
  if (len < 12 || (d[off]! & 0x80) === 0) return null;
  if ((u16be(d, off) & 0x7fff) === 0) return null; // the source call number is never 0
  const type = d[off + 10]!;
  if (type < 1 || type > 0x0c) return null;
  const sub = d[off + 11]!;
  if (type !== 6) return len === 12 || type === 2 || type === 3 || type === 7 || type === 8 || type === 9 || type === 0x0a ? -1 : null;
  if (sub & 0x80) return null;
  // IAX subclasses (§8.4) run 1 NEW … 0x26 CALLTOKEN
  if (sub < 1 || sub > 0x26) return null;
  let i = off + 12;
  const end = off + len;
  while (i < end) {
    if (end - i < 2) return null;
    const ie = d[i]!;
    if (ie === 0 || (ie > 0x38 && ie !== 0xff)) return null; // defined IEs 1–0x38; 0xff unofficial padding
    i += 2 + d[i + 1]!;
  }
  return i === end ? sub : null;
}

export default defineDissector<State>({
  name: 'iax',
  protocols: [{ name: 'IAX', category: 'VoIP', kind: 'protocol', udpPorts: [4569], description: 'Inter-Asterisk eXchange v2' }],
  transports: Transport.Udp,
  maxPackets: 4,
  fields: [{ name: 'first_subclass', type: 'int', description: 'the subclass of the first IAX control frame (1 NEW, 2 PING, …)' }],
  probe(d, off, len, ctx) {
    return (ctx.serverPort === 4569 || ctx.clientPort === 4569) && len >= 12 && (d[off]! & 0x80) !== 0;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    const sub = iaxFullFrame(d, off, len);
    if (sub === null) return (d[off]! & 0x80) === 0 ? Verdict.Continue : Verdict.NotMine; // a mini frame: wait for a full one
    if (sub < 0) return Verdict.Continue;
    ctx.setProtocol(ctx.protocolId('IAX'));
    ctx.setField('first_subclass', sub);
    return Verdict.Done;
  },
});
