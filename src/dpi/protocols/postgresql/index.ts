import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// PostgreSQL frontend/backend protocol (PostgreSQL docs, "Message Formats"): the client opens
// with an untyped message — int32 length, int32 code: 196608 (protocol 3.0) StartupMessage with
// NUL-terminated parameter pairs ending in a NUL, 80877103 SSLRequest, 80877104
// GSSENCRequest, 80877102 CancelRequest (length 16). The server answers SSL/GSS requests with a
// single 'S' or 'N', a startup with 'R' (authentication) or 'E' (error). The user and database
// parameters are not output.

interface State {
  request: string | null;
}

export function startupKind(d: Uint8Array, off: number, len: number): string | null {
  if (len < 8) return null;
  const l = u32be(d, off);
  const code = u32be(d, off + 4);
  if (code === 80877103 && l === 8) return 'ssl';
  if (code === 80877104 && l === 8) return 'gssenc';
  if (code === 80877102 && l === 16) return 'cancel';
  if ((code === 196608 || code === 131072) && l >= 9 && l <= 10000) {
    // parameters: name NUL value NUL … NUL; must end with NUL at l-1
    if (len >= l) {
      if (d[off + l - 1] !== 0) return null;
      const first = d[off + 8]!;
      if (first !== 0 && (first < 0x20 || first > 0x7e)) return null;
    }
    return code === 196608 ? 'startup' : 'startup-v2';
  }
  return null;
}

export default defineDissector<State>({
  name: 'postgresql',
  protocols: [{ name: 'PostgreSQL', category: 'Database', kind: 'protocol', tcpPorts: [5432], description: 'PostgreSQL frontend/backend protocol' }],
  transports: Transport.Tcp,
  firstBytes: [0x00],
  maxPackets: 4,
  zeekTlsUpgrade: 'tls',
  fields: [
    { name: 'request', type: 'string', description: 'the first client message: startup, ssl, gssenc or cancel' },
    { name: 'tls', type: 'bool', description: 'the server accepted the SSLRequest' },
  ],
  probe(d, off, len, ctx) {
    return ctx.dir === 0 && (len < 8 ? d[off] === 0 : startupKind(d, off, len) !== null);
  },
  createState() {
    return { request: null };
  },
  inspect(s, d, off, len, ctx) {
    if (ctx.dir === 0) {
      if (s.request !== null) return Verdict.Continue;
      if (len < 8) return Verdict.Continue;
      const k = startupKind(d, off, len);
      if (!k) return Verdict.NotMine;
      s.request = k;
      ctx.setField('request', k);
      if (k === 'startup' && len >= u32be(d, off)) {
        ctx.setProtocol(ctx.protocolId('PostgreSQL'));
        return Verdict.Continue;
      }
      return Verdict.Continue;
    }
    if (s.request === null) return Verdict.NotMine;
    const b = d[off]!;
    if (s.request === 'ssl' || s.request === 'gssenc') {
      if (b !== 0x53 && b !== 0x4e) return Verdict.NotMine;
      ctx.setProtocol(ctx.protocolId('PostgreSQL'));
      if (s.request === 'ssl') ctx.setField('tls', b === 0x53);
      return Verdict.Done;
    }
    if ((b === 0x52 || b === 0x45) && len >= 9 && u32be(d, off + 1) >= 8 && u32be(d, off + 1) < 100000) {
      ctx.setProtocol(ctx.protocolId('PostgreSQL'));
      return Verdict.Done;
    }
    return Verdict.NotMine;
  },
});
