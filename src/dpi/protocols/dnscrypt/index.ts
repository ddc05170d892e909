import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { MIN_QUERY, MIN_RESPONSE, NONCE_AT, readCertQuery, startsWithMagic } from './parser.js';

// DNSCrypt v2 (see parser.ts): named on the certificate query ("2.dnscrypt-cert.<zone>" TXT) or
// its answer, or on an encrypted exchange: a query large enough to hold the client's key and nonce,
// answered by the resolver magic "r6fnvWj8" followed by that same client nonce.

interface State {
  /** the client nonce of the last encrypted-query candidate (12 bytes), or null */
  nonce: Uint8Array | null;
  /** TCP: bytes of each direction already consumed */
  parsed: [number, number];
}

export default defineDissector<State>({
  name: 'dnscrypt',
  protocols: [{ name: 'DNSCrypt', ndpi: 'DNScrypt', category: 'Network', kind: 'protocol', tcpPorts: [], udpPorts: [], description: 'DNSCrypt encrypted DNS' }],
  transports: Transport.Tcp | Transport.Udp,
  maxPackets: 4,
  fields: [{ name: 'provider', type: 'string', description: 'the resolver provider zone named by the certificate query' }],
  probe(data, off, len, ctx) {
    if (ctx.l4 === 6) {
      if (len < 2) return true;
      const n = (data[off]! << 8) | data[off + 1]!;
      off += 2;
      len = Math.min(len - 2, n);
      if (n < 12 + 17) return false;
    }
    if (len >= MIN_QUERY && ctx.dir === 0) return true;
    return startsWithMagic(data, off, len) || (len >= 29 && data[off + 12] === 1 && data[off + 14] === 13 && data[off + 15] === 0x64);
  },
  createState() {
    return { nonce: null, parsed: [0, 0] };
  },
  inspect(state, data, off, len, ctx) {
    if (ctx.l4 === 6) {
      // one length-prefixed message at a time; the first complete one decides
      const at = state.parsed[ctx.dir];
      if (at > 0 && ctx.dir === 0) return Verdict.Continue;
      if (len - at < 2) return Verdict.Continue;
      const n = (data[off + at]! << 8) | data[off + at + 1]!;
      if (n < 12 + 17) return Verdict.NotMine;
      if (len - at - 2 < Math.min(n, 64)) return Verdict.Continue;
      state.parsed[ctx.dir] = at + 2 + n;
      return decide(state, data, off + at + 2, Math.min(n, len - at - 2), ctx);
    }
    return decide(state, data, off, len, ctx);
  },
});

function decide(state: State, data: Uint8Array, off: number, len: number, ctx: Parameters<Parameters<typeof defineDissector<State>>[0]['inspect']>[4]): 0 | 1 | 2 {
  const cert = readCertQuery(data, off, len);
  if (cert) {
    ctx.setProtocol(ctx.protocolId('DNSCrypt'));
    ctx.setField('provider', cert.provider);
    return Verdict.Done;
  }
  if (ctx.dir === 1 && startsWithMagic(data, off, len) && len >= MIN_RESPONSE) {
    // with the query seen, its nonce must come back; a response seen alone is named on its magic
    const n = state.nonce;
    if (n) for (let i = 0; i < 12; i++) if (data[off + 8 + i] !== n[i]) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('DNSCrypt'));
    return Verdict.Done;
  }
  if (ctx.dir === 0 && len >= MIN_QUERY) {
    state.nonce = data.slice(off + NONCE_AT, off + NONCE_AT + 12);
    return Verdict.Continue;
  }
  return state.nonce ? Verdict.Continue : Verdict.NotMine;
}
