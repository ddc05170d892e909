import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// RADIUS (RFC 2865 §3, accounting RFC 2866, dynamic authorisation RFC 5176), UDP 1812/1813
// (legacy 1645/1646, CoA 3799): code (1 Access-Request, 2 Accept, 3 Reject, 4 Accounting-Request,
// 5 Accounting-Response, 11 Challenge, 12/13 Status-Server/Client, 40..45 Disconnect/CoA),
// identifier, length (u16, 20..4096, the whole packet), 16-byte authenticator, then attributes
// (type, length ≥ 2) that tile the packet. Only the protocol and the code are output: never
// attribute values (User-Name, passwords, addresses).

const CODES: Record<number, string> = { 1: 'access_request', 2: 'access_accept', 3: 'access_reject', 4: 'accounting_request', 5: 'accounting_response', 11: 'access_challenge', 12: 'status_server', 13: 'status_client', 40: 'disconnect_request', 41: 'disconnect_ack', 42: 'disconnect_nak', 43: 'coa_request', 44: 'coa_ack', 45: 'coa_nak' };

export function radiusCode(d: Uint8Array, off: number, len: number): string | null {
  if (len < 20) return null;
  const code = CODES[d[off]!];
  const n = u16be(d, off + 2);
  if (!code || n < 20 || n > 4096 || n > len) return null;
  let p = 20;
  while (p < n) {
    if (p + 2 > n) return null;
    const l = d[off + p + 1]!;
    if (d[off + p] === 0 || l < 2) return null;
    p += l;
  }
  return p === n ? code : null;
}

const PORTS = [1812, 1813, 1645, 1646, 3799];

export default defineDissector<{ n: number }>({
  name: 'radius',
  protocols: [{ name: 'RADIUS', ndpi: 'Radius', category: 'Network', kind: 'protocol', udpPorts: PORTS, description: 'Remote Authentication Dial-In User Service' }],
  transports: Transport.Udp,
  firstBytes: [1, 2, 3, 4, 5, 11, 12, 13, 40, 41, 42, 43, 44, 45],
  maxPackets: 2,
  fields: [{ name: 'code', type: 'string', description: 'code of the first packet (access_request, accounting_request, …)' }],
  probe(d, off, len, ctx) {
    return (PORTS.includes(ctx.serverPort) || PORTS.includes(ctx.clientPort)) && radiusCode(d, off, len) !== null;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const c = radiusCode(d, off, len);
    if (!c) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('RADIUS'));
    ctx.setField('code', c);
    return Verdict.Done;
  },
});
