import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// LISP, the Locator/ID Separation Protocol. Control plane (RFC 6830 §6.1, RFC 9301 §5), UDP 4342:
// the first 4 bits are the message type — 1 Map-Request, 2 Map-Reply, 3 Map-Register,
// 4 Map-Notify, 5 Map-Referral, 6 Map-Notify-Ack, 8 Encapsulated Control Message — with per-type
// record counts and, for registrations, a key id (0..3 in use) and authentication data length.
// Over TCP 4342 (reliable transport, draft-ietf-lisp-map-server-reliable-transport) messages are
// framed as type (u16, 17..25), length (u16, whole message) and a message id.

export function lispControl(d: Uint8Array, off: number, len: number): number | null {
  if (len < 8) return null;
  const type = d[off]! >> 4;
  switch (type) {
    case 1: // Map-Request: record count ≥ 1
    case 2: // Map-Reply
    case 5: // Map-Referral
      return d[off + 3]! > 0 && len >= 12 ? type : null;
    case 3: // Map-Register, Map-Notify, Map-Notify-Ack: nonce, key id, auth data length, auth data
    case 4:
    case 6: {
      if (len < 16) return null;
      const keyId = u16be(d, off + 12);
      const authLen = u16be(d, off + 14);
      if (keyId > 3 || (keyId === 0 && authLen !== 0) || authLen > 64 || 16 + authLen > len) return null;
      return d[off + 3]! > 0 || type === 6 ? type : null;
    }
    case 8: // ECM: an IP header follows the 4-byte LISP header
      return (d[off + 4]! >> 4 === 4 || d[off + 4]! >> 4 === 6) ? type : null;
    default:
      return null;
  }
}

function lispReliable(d: Uint8Array, off: number, len: number): boolean {
  if (len < 8) return false;
  const type = u16be(d, off);
  const n = u16be(d, off + 2);
  return type >= 17 && type <= 25 && n >= 8 && n <= 9000;
}

export default defineDissector<{ n: number }>({
  name: 'lisp',
  protocols: [{ name: 'LISP', category: 'Cloud', kind: 'protocol', tcpPorts: [4342], udpPorts: [4342, 4341], description: 'Locator/ID Separation Protocol' }],
  transports: Transport.Udp | Transport.Tcp,
  maxPackets: 3,
  probe(_d, _off, _len, ctx) {
    return ctx.serverPort === 4342 || ctx.clientPort === 4342;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.l4 === 6) {
      if (len < 8) return Verdict.Continue;
      if (!lispReliable(d, off, len)) return Verdict.NotMine;
    } else if (lispControl(d, off, len) === null) {
      return Verdict.NotMine;
    }
    ctx.setProtocol(ctx.protocolId('LISP'));
    return Verdict.Done;
  },
});
