import { defineDissector, Transport, Verdict, type InspectContext } from '../../api/dissector.js';
import { onCertificateBody, onClientHello, onServerHello, newFacts, TLS_FIELDS, type HandshakeFacts } from './analysis.js';
import { parseClientHelloBody } from './client-hello.js';
import { HandshakeType, isRecordHeader, parseServerHelloBody, RecordReader } from './records.js';
import { TLS_RISKS } from './risks.js';
import { TLS_ZEEK_LOG } from './zeek.js';

// TLS over TCP (RFC 8446, RFC 5246): the flow is TLS as soon as a ClientHello (or ServerHello)
// parses. Inspection then goes on for the server's first flight — ServerHello (version, cipher,
// JA3S) and, up to TLS 1.2, the Certificate — and stops once they are read or the handshake turned
// encrypted (ChangeCipherSpec, application data, TLS 1.3 after its ServerHello).
//
// TLS-wrapped protocols are named by the server port, as nDPI names them (IMAPS, POPS, SMTPS,
// FTPS); DNS over TLS (853) is TLS with the application DoH_DoT.

interface State {
  readers: [RecordReader, RecordReader];
  facts: HandshakeFacts;
  named: boolean;
  /** the server's first flight is over as far as we can read it */
  serverDone: boolean;
}

const WRAPPED: Record<number, string> = { 993: 'IMAPS', 995: 'POP3S', 465: 'SMTPS', 990: 'FTPS' };
const DOT_PORT = 853;

function name(ctx: InspectContext): void {
  // handed over after STARTTLS (or RDP's negotiation): the dissector that handed the flow over
  // named it already (SMTPS, IMAPS, FTPS…); TLS adds its fingerprints and names only
  if (ctx.currentProtocol !== 0 && ctx.currentProtocol !== ctx.protocolId('TLS')) return;
  const wrapped = WRAPPED[ctx.serverPort];
  ctx.setProtocol(ctx.protocolId(wrapped ?? 'TLS'));
  if (ctx.serverPort === DOT_PORT) ctx.setApplication(ctx.protocolId('DoH_DoT'));
}

export default defineDissector<State>({
  name: 'tls',
  protocols: [
    { name: 'TLS', category: 'Web', kind: 'protocol', tcpPorts: [443], description: 'Transport Layer Security' },
    { name: 'IMAPS', category: 'Email', kind: 'protocol', tcpPorts: [993], description: 'IMAP over TLS' },
    { name: 'POP3S', ndpi: 'POPS', category: 'Email', kind: 'protocol', tcpPorts: [995], description: 'POP3 over TLS' },
    { name: 'SMTPS', category: 'Email', kind: 'protocol', tcpPorts: [465], description: 'SMTP over TLS (implicit TLS submission)' },
    { name: 'FTPS', category: 'Download', kind: 'protocol', tcpPorts: [990], description: 'FTP over implicit TLS' },
    { name: 'DoH_DoT', category: 'Network', kind: 'application', tcpPorts: [853], description: 'DNS over TLS / DNS over HTTPS' },
    { name: 'Tor', category: 'VPN', kind: 'application', tcpPorts: [9001], description: "Tor relays' link TLS (made-up server and certificate names)" },
  ],
  transports: Transport.Tcp,
  firstBytes: [0x16],
  maxPackets: 12,
  risks: TLS_RISKS,
  zeek: TLS_ZEEK_LOG,
  fields: TLS_FIELDS,
  probe(data, off, len) {
    // a handshake record header, then (when visible) a ClientHello or ServerHello
    if (!isRecordHeader(data, off, off + len) || data[off] !== 0x16) return false;
    return len < 6 || data[off + 5] === HandshakeType.ClientHello || data[off + 5] === HandshakeType.ServerHello;
  },
  createState() {
    return { readers: [new RecordReader(), new RecordReader()], facts: newFacts(), named: false, serverDone: false };
  },
  inspect(state, data, off, len, ctx) {
    const reader = state.readers[ctx.dir];
    if (ctx.gap && !reader.broken) reader.broken = true; // records lost alignment: keep what we have
    const messages = reader.feed(data, off, len);
    const f = state.facts;
    for (const m of messages) {
      if (ctx.dir === 0 && m.type === HandshakeType.ClientHello) {
        const ch = parseClientHelloBody(m.body, 0, m.body.length);
        if (ch) onClientHello(f, ch, ctx, 't');
        else if (m.body.length >= 38 && (m.body[0] === 3)) {
          // a whole, well-framed ClientHello whose inside is broken (an odd cipher-suite length…):
          // still TLS, as the record layer says, but nothing in it can be trusted
          ctx.addRisk('malformed_packet', 'ClientHello does not parse');
        } else {
          return state.named ? Verdict.Done : Verdict.NotMine;
        }
      } else if (ctx.dir === 1 && m.type === HandshakeType.ServerHello) {
        const sh = parseServerHelloBody(m.body, 0, m.body.length);
        if (!sh) return state.named ? Verdict.Done : Verdict.NotMine;
        onServerHello(f, sh, ctx);
        // TLS 1.3: everything after the ServerHello is encrypted
        if (!sh.retry && sh.version >= 0x0304) state.serverDone = true;
      } else if (ctx.dir === 1 && m.type === HandshakeType.Certificate && f.serverHello) {
        onCertificateBody(f, m.body, ctx);
        state.serverDone = true;
      } else if (ctx.dir === 1 && m.type === HandshakeType.ServerHelloDone) {
        state.serverDone = true;
      } else {
        continue;
      }
      if (!state.named) {
        state.named = true;
        name(ctx);
      }
    }
    if (ctx.dir === 1 && !f.certificate && f.serverHello && !state.serverDone) {
      // a long Certificate message: its first certificate may already be whole
      const p = reader.pending();
      if (p && p.type === HandshakeType.Certificate && onCertificateBody(f, p.body, ctx)) state.serverDone = true;
    }
    const server = state.readers[1];
    if (server.encrypted || server.applicationData || server.alert || server.broken) state.serverDone = true;
    if (!state.named) {
      // nothing recognisable yet: give up once the stream is clearly not TLS handshake records
      return reader.broken || reader.records > 2 ? Verdict.NotMine : Verdict.Continue;
    }
    if (state.serverDone && f.clientHello) return Verdict.Done;
    if (state.serverDone && state.readers[0].broken) return Verdict.Done;
    return Verdict.Continue;
  },
});
