import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// DHCPv6 (RFC 8415 §8–9): a client/server message is msg-type (1..11) and a 3-byte transaction
// id; relay messages (12, 13) have a hop count and two IPv6 addresses. Options follow as
// (code, length, value) and must tile the datagram exactly.

interface State {
  done: boolean;
}

const TYPES = ['', 'SOLICIT', 'ADVERTISE', 'REQUEST', 'CONFIRM', 'RENEW', 'REBIND', 'REPLY', 'RELEASE', 'DECLINE', 'RECONFIGURE', 'INFORMATION-REQUEST', 'RELAY-FORW', 'RELAY-REPL'];

export function isDhcpv6(d: Uint8Array, off: number, len: number): boolean {
  const type = d[off]!;
  if (type < 1 || type > 13) return false;
  let p = off + (type >= 12 ? 34 : 4);
  const end = off + len;
  if (p + 4 > end) return false;
  let n = 0;
  while (p < end) {
    if (p + 4 > end) return false;
    const code = u16be(d, p);
    if (code === 0 || code > 200) return false;
    p += 4 + u16be(d, p + 2);
    n++;
  }
  return p === end && n > 0;
}

export default defineDissector<State>({
  name: 'dhcpv6',
  protocols: [{ name: 'DHCPv6', ndpi: 'DHCPV6', category: 'Network', kind: 'protocol', udpPorts: [546, 547], description: 'Dynamic Host Configuration Protocol for IPv6' }],
  transports: Transport.Udp,
  firstBytes: Array.from({ length: 13 }, (_, i) => i + 1),
  maxPackets: 2,
  fields: [{ name: 'message_type', type: 'string', description: 'the first message type (SOLICIT, REPLY, …)' }],
  probe(d, off, len, ctx) {
    const p = ctx.serverPort;
    const c = ctx.clientPort;
    return (p === 546 || p === 547 || c === 546 || c === 547) && isDhcpv6(d, off, len);
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (!isDhcpv6(d, off, len)) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('DHCPv6'));
    ctx.setField('message_type', TYPES[d[off]!]!);
    return Verdict.Done;
  },
});
