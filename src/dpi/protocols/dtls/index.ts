import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { newFacts, onCertificateBody, onClientHello, onServerHello, TLS_FIELDS, type HandshakeFacts } from '../tls/analysis.js';
import { parseClientHelloBody } from '../tls/client-hello.js';
import { parseServerHelloBody } from '../tls/records.js';
import { DtlsReader, isDtlsRecord } from './reassembly.js';
import { CALL_SERVICES_BY_ADDRESS } from '../stun/call-services.js';

// DTLS over UDP (RFC 6347 for 1.0/1.2, RFC 9147 for 1.3): the ClientHello is reassembled from its
// handshake fragments and read like TLS's (SNI, ALPN, JA3, JA4 with transport 'd'); the server's
// ServerHello and first certificate are read when visible, as for TLS (same fields and risks).

interface State {
  readers: [DtlsReader, DtlsReader];
  facts: HandshakeFacts;
  named: boolean;
  serverDone: boolean;
}

const HELLO_VERIFY_REQUEST = 3;

export default defineDissector<State>({
  name: 'dtls',
  protocols: [{ name: 'DTLS', byAddress: CALL_SERVICES_BY_ADDRESS, category: 'Web', kind: 'protocol', description: 'Datagram Transport Layer Security' }],
  transports: Transport.Udp,
  firstBytes: [22],
  maxPackets: 10,
  fields: TLS_FIELDS,
  probe(data, off, len) {
    // a handshake record whose message is a ClientHello, ServerHello or HelloVerifyRequest
    if (!isDtlsRecord(data, off, off + len) || data[off] !== 22 || len < 13 + 12) return false;
    const t = data[off + 13]!;
    return t === 1 || t === 2 || t === HELLO_VERIFY_REQUEST;
  },
  createState() {
    return { readers: [new DtlsReader(), new DtlsReader()], facts: newFacts(), named: false, serverDone: false };
  },
  inspect(state, data, off, len, ctx) {
    const reader = state.readers[ctx.dir];
    const f = state.facts;
    for (const m of reader.feed(data, off, len)) {
      if (ctx.dir === 0 && m.type === 1) {
        const ch = parseClientHelloBody(m.body, 0, m.body.length);
        if (!ch) continue;
        onClientHello(f, ch, ctx, 'd');
      } else if (ctx.dir === 1 && m.type === 2) {
        const sh = parseServerHelloBody(m.body, 0, m.body.length);
        if (!sh) continue;
        onServerHello(f, sh, ctx);
        if (sh.version === 0xfefc) state.serverDone = true; // DTLS 1.3: the rest is encrypted
      } else if (ctx.dir === 1 && m.type === 11 && f.serverHello) {
        onCertificateBody(f, m.body, ctx);
        state.serverDone = true;
      } else if (ctx.dir === 1 && m.type === 14) {
        state.serverDone = true;
      } else if (!(ctx.dir === 1 && m.type === HELLO_VERIFY_REQUEST)) {
        continue;
      }
      if (!state.named) {
        state.named = true;
        ctx.setProtocol(ctx.protocolId('DTLS'));
      }
    }
    const server = state.readers[1];
    if (server.encrypted || server.applicationData || server.alert) state.serverDone = true;
    if (!state.named) return reader.malformed && ctx.payloadPackets >= 2 ? Verdict.NotMine : Verdict.Continue;
    return state.serverDone && f.clientHello ? Verdict.Done : Verdict.Continue;
  },
});
