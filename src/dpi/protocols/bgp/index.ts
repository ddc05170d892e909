import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// BGP-4 (RFC 4271 §4.1): every message starts with a 16-byte marker of all ones, a 2-byte length
// (19..4096; 65535 with RFC 8654 extended messages) and a type: 1 OPEN, 2 UPDATE,
// 3 NOTIFICATION, 4 KEEPALIVE, 5 ROUTE-REFRESH (RFC 2918). An OPEN carries version 4 and the
// speaker's AS number.

interface State {
  done: boolean;
}

const TYPES = ['', 'OPEN', 'UPDATE', 'NOTIFICATION', 'KEEPALIVE', 'ROUTE-REFRESH'];

export function bgpHeader(d: Uint8Array, off: number, len: number): number {
  if (len < 19) return 0;
  for (let i = 0; i < 16; i++) if (d[off + i] !== 0xff) return 0;
  const l = u16be(d, off + 16);
  const type = d[off + 18]!;
  if (l < 19 || type < 1 || type > 5) return 0;
  if (type === 4 && l !== 19) return 0;
  if (type === 1 && (l < 29 || (len >= 20 && d[off + 19] !== 4))) return 0;
  return type;
}

export default defineDissector<State>({
  name: 'bgp',
  protocols: [{ name: 'BGP', category: 'Network', kind: 'protocol', tcpPorts: [179], description: 'Border Gateway Protocol' }],
  transports: Transport.Tcp,
  firstBytes: [0xff],
  maxPackets: 3,
  fields: [
    { name: 'first_message', type: 'string', description: 'OPEN, UPDATE, NOTIFICATION, KEEPALIVE or ROUTE-REFRESH' },
    { name: 'asn', type: 'int', description: "the AS number in the OPEN (2-byte field; AS_TRANS 23456 means a 4-byte AS)" },
  ],
  probe(d, off, len) {
    return len < 19 ? d[off] === 0xff : bgpHeader(d, off, len) > 0;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (len < 19) return Verdict.Continue;
    const t = bgpHeader(d, off, len);
    if (t === 0) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('BGP'));
    ctx.setField('first_message', TYPES[t]!);
    if (t === 1 && len >= 22) ctx.setField('asn', u16be(d, off + 20));
    return Verdict.Done;
  },
});
