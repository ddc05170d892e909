import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { classifyStream, headerValue, isSemiReliableUdp, isUdpMessage, StreamKind } from './parser.js';

// Gnutella 0.6: the TCP handshake ("GNUTELLA CONNECT/0.6" / "GNUTELLA/0.6 200 OK"), push
// connections ("GIV …"), Gnutella file requests over HTTP (/uri-res/N2R?urn:…), and UDP datagrams
// that are exactly one Gnutella message or the semi-reliable UDP framing (see parser.ts).

interface State {
  /** handshake seen in direction 0 / 1 */
  seen: [boolean, boolean];
}

export default defineDissector<State>({
  name: 'gnutella',
  protocols: [{ name: 'Gnutella', category: 'P2P', kind: 'protocol', tcpPorts: [6346, 6347], udpPorts: [6346, 6347], description: 'Gnutella peer-to-peer file sharing' }],
  transports: Transport.Tcp | Transport.Udp,
  maxPackets: 4,
  fields: [{ name: 'user_agent', type: 'string', description: "the servent software named in the handshake's User-Agent header", privacy: 'identifying' }],
  probe(data, off, len, ctx) {
    if (ctx.l4 === 17) return isUdpMessage(data, off, len) || isSemiReliableUdp(data, off, len);
    const c = data[off];
    return c === 0x47 || c === 0x48; // 'G' (GNUTELLA, GIV, GET), 'H' (HEAD)
  },
  createState() {
    return { seen: [false, false] };
  },
  inspect(state, data, off, len, ctx) {
    if (ctx.l4 === 17) {
      if (!isUdpMessage(data, off, len) && !isSemiReliableUdp(data, off, len)) return Verdict.NotMine;
      ctx.setProtocol(ctx.protocolId('Gnutella'));
      return Verdict.Done;
    }
    if (state.seen[ctx.dir]) return Verdict.Continue;
    const kind = classifyStream(data, off, len);
    if (kind === StreamKind.Unsure) return Verdict.Continue;
    if (kind === StreamKind.No) return state.seen[ctx.dir ^ 1] ? Verdict.Done : Verdict.NotMine;
    if (kind === StreamKind.Download) {
      // a Gnutella download is HTTP: name the application, leave the protocol to HTTP
      ctx.setApplication(ctx.protocolId('Gnutella'));
      return Verdict.NotMine;
    }
    state.seen[ctx.dir] = true;
    ctx.setProtocol(ctx.protocolId('Gnutella'));
    const ua = headerValue(data, off, len, 'User-Agent');
    if (ua) ctx.setField('user_agent', ua);
    return state.seen[0] && state.seen[1] ? Verdict.Done : Verdict.Continue;
  },
});
