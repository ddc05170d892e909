import { defineDissector, type InspectContext, Transport, Verdict, type VerdictValue } from '../../api/dissector.js';
import { dgaLabel, suspiciousQuery } from './checks.js';
import { type DnsMessage, headerLooksValid, parseDns, rcodeName, typeName } from './parser.js';
import { DNS_RISKS } from './risks.js';
import { DNS_ZEEK_LOG } from './zeek.js';

// DNS (RFC 1035) over UDP — port 53 first, any port where the message validates strictly — and
// over TCP with its 2-byte length prefix (RFC 7766); the same wire format on UDP 5353 is mDNS
// (RFC 6762) and on 5355 LLMNR (RFC 4795). (NetBIOS name service, DNS-like, is the netbios
// dissector's.)
// The first question name is the flow's host name (so DNS flows are labelled with the queried
// application, as nDPI does), and every A/AAAA answer is learnt so later flows to that address
// get the application of the name.

const PORT_DNS = 53;
const PORT_MDNS = 5353;
const PORT_LLMNR = 5355;
const PORT_NBNS = 137;
const PORT_NBDGM = 138;
/** largest UDP payload an Ethernet frame carries unfragmented (1500 − 20 IPv4 − 8 UDP) */

interface State {
  /** a message named the flow */
  named: boolean;
  /** a query / a response has been read */
  query: boolean;
  response: boolean;
  /** TCP: this direction's first message has been read */
  tcpDone: [boolean, boolean];
  /** fields of the flow (answers accumulate over responses) */
  answers: string[];
}

const hasPort = (ctx: InspectContext, port: number): boolean => ctx.serverPort === port || ctx.clientPort === port;

function protocolFor(ctx: InspectContext): string {
  if (hasPort(ctx, PORT_MDNS)) return 'MDNS';
  if (hasPort(ctx, PORT_LLMNR)) return 'LLMNR';
  return 'DNS';
}

/** DNS ports where a message is read leniently (truncated captures, trailing bytes); strict elsewhere */
function lenientPort(ctx: InspectContext): boolean {
  return hasPort(ctx, PORT_DNS) || hasPort(ctx, PORT_MDNS) || hasPort(ctx, PORT_LLMNR);
}

function onMessage(state: State, m: DnsMessage, ctx: InspectContext, udpLen: number, partial = false): void {
  if (!state.named) {
    state.named = true;
    ctx.setProtocol(ctx.protocolId(protocolFor(ctx)));
  }
  const q = m.questions[0];
  const name = q?.name ?? (m.response ? m.answers[0]?.name : undefined) ?? '';
  if (!state.query || (m.response && !state.response)) {
    if (q !== undefined) {
      ctx.setField('query', q.name);
      if (q.type !== 0) ctx.setField('qtype', typeName(q.type));
    }
    if (name !== '') ctx.setHostname(name);
  }
  if (m.response) {
    state.response = true;
    ctx.setField('rcode', rcodeName(m.rcode));
    if (m.rcode !== 0) ctx.addRisk('error_code', `DNS ${rcodeName(m.rcode)}`);
    for (const a of m.answers) {
      if (a.value === undefined) continue;
      if (state.answers.length < 16 && !state.answers.includes(a.value)) state.answers.push(a.value);
      if ((a.type === 1 || a.type === 28) && name !== '') ctx.learnDnsAnswer(name, a.value);
    }
    if (state.answers.length > 0) ctx.setField('answers', state.answers);
  } else {
    state.query = true;
  }
  // the 512-byte limit is unicast DNS's (RFC 1035 §4.2.1); mDNS allows up to 9000 (RFC 6762 §17)
  if (udpLen > 512 && protocolFor(ctx) === 'DNS') ctx.addRisk('large_dns_packet', `${udpLen} bytes`);
  if (ctx.reassembled) ctx.addRisk('fragmented_dns_message');
  if (!partial && (!m.complete || m.trailing !== 0)) ctx.addRisk('malformed_packet', m.complete ? `${m.trailing} bytes after the last record` : 'records past the end of the message');
  if (q !== undefined) {
    const why = suspiciousQuery(q.name, q.type, m.longestLabel);
    if (why) ctx.addRisk('dns_suspicious_traffic', why);
    const dga = dgaLabel(q.name);
    if (dga) ctx.addRisk('suspicious_dga_domain', dga.slice(0, 64));
  }
}

function doneOrContinue(state: State): VerdictValue {
  return state.response ? Verdict.Done : Verdict.Continue;
}

export default defineDissector<State>({
  name: 'dns',
  protocols: [
    { name: 'DNS', category: 'Network', kind: 'protocol', tcpPorts: [53], udpPorts: [53], description: 'Domain Name System' },
    { name: 'MDNS', category: 'Network', kind: 'protocol', udpPorts: [5353], description: 'Multicast DNS' },
    { name: 'LLMNR', category: 'Network', kind: 'protocol', udpPorts: [5355], tcpPorts: [5355], description: 'Link-Local Multicast Name Resolution' },
  ],
  transports: Transport.Tcp | Transport.Udp,
  // any first byte: the message ID (UDP) or the high byte of the length prefix (TCP)
  maxPackets: 6,
  risks: DNS_RISKS,
  zeek: DNS_ZEEK_LOG,
  fields: [
    { name: 'query', type: 'string', description: 'the first question name', privacy: 'host' },
    { name: 'qtype', type: 'string', description: 'the first question type: A, AAAA, HTTPS, PTR… (TYPEnn when unnamed)' },
    { name: 'rcode', type: 'string', description: 'response code of the first response: NOERROR, NXDOMAIN, SERVFAIL…' },
    { name: 'answers', type: 'string[]', description: 'A/AAAA addresses and CNAME targets from the answers (at most 16)', privacy: 'hosts' },
  ],
  probe(data, off, len, ctx) {
    if (ctx.l4 === 6) {
      if (len < 2) return true;
      const mlen = (data[off]! << 8) | data[off + 1]!;
      if (mlen < 12) return false;
      return len < 14 || headerLooksValid(data, off + 2, Math.min(len - 2, mlen), !(ctx.serverPort === PORT_DNS || ctx.clientPort === PORT_DNS || ctx.serverPort === PORT_LLMNR || ctx.clientPort === PORT_LLMNR));
    }
    const p = (x: number): boolean => ctx.serverPort === x || ctx.clientPort === x;
    if (p(PORT_NBNS) || p(PORT_NBDGM)) return false; // NetBIOS: DNS-like, not DNS
    return headerLooksValid(data, off, len, !(p(PORT_DNS) || p(PORT_MDNS) || p(PORT_LLMNR)));
  },
  createState() {
    return { named: false, query: false, response: false, tcpDone: [false, false], answers: [] };
  },
  inspect(state, data, off, len, ctx) {
    const lenient = lenientPort(ctx);
    if (ctx.l4 === 17) {
      const m = parseDns(data, off, len, { strict: !lenient });
      if (m === null) return state.named ? doneOrContinue(state) : Verdict.NotMine;
      onMessage(state, m, ctx, len);
      return doneOrContinue(state);
    }
    // TCP: [length][message] (RFC 1035 §4.2.2); the first message of each direction
    if (state.tcpDone[ctx.dir]) return doneOrContinue(state);
    if (len < 2) return Verdict.Continue;
    const mlen = (data[off]! << 8) | data[off + 1]!;
    if (mlen < 12) return state.named ? doneOrContinue(state) : Verdict.NotMine;
    const have = len - 2;
    // wait for the whole message unless the stream cannot hold it or has lost bytes
    if (have < mlen && have < 8000 && !ctx.gap) return Verdict.Continue;
    const m = parseDns(data, off + 2, Math.min(have, mlen), { strict: !lenient && have >= mlen });
    state.tcpDone[ctx.dir] = true;
    if (m === null) return state.named ? doneOrContinue(state) : Verdict.NotMine;
    onMessage(state, m, ctx, 0, have < mlen);
    return doneOrContinue(state);
  },
});
