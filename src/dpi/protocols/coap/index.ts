import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// CoAP (RFC 7252 §3), UDP 5683 (DTLS 5684): version (2 bits, 1), type (CON, NON, ACK, RST),
// token length (0..8), code (class 0 request 0.01–0.07 / empty 0.00, 2 success, 4 client error,
// 5 server error), message id (u16), token, options (delta/length nibbles, 13/14 extended, 15
// reserved except the 0xFF payload marker), payload. Option values (URIs) are never output.

const TYPES = ['CON', 'NON', 'ACK', 'RST'];

export function coapType(d: Uint8Array, off: number, len: number): string | null {
  if (len < 4) return null;
  const b = d[off]!;
  if (b >> 6 !== 1) return null;
  const tkl = b & 0x0f;
  if (tkl > 8 || 4 + tkl > len) return null;
  const code = d[off + 1]!;
  const cls = code >> 5;
  const detail = code & 0x1f;
  if (!((cls === 0 && detail <= 7) || cls === 2 || cls === 4 || cls === 5)) return null;
  if (code === 0 && (len !== 4 || tkl !== 0)) return null; // empty message: header only
  let p = 4 + tkl;
  while (p < len) {
    const o = d[off + p]!;
    if (o === 0xff) return p + 1 < len ? TYPES[(b >> 4) & 3]! : null;
    let delta = o >> 4;
    let l = o & 0x0f;
    if (delta === 15 || l === 15) return null;
    p++;
    if (delta === 13) p += 1;
    else if (delta === 14) p += 2;
    if (l === 13) l = 13 + (d[off + p] ?? 0), p += 1;
    else if (l === 14) l = 269 + ((d[off + p] ?? 0) << 8) + (d[off + p + 1] ?? 0), p += 2;
    p += l;
  }
  return p === len ? TYPES[(b >> 4) & 3]! : null;
}

export default defineDissector<{ n: number }>({
  name: 'coap',
  protocols: [{ name: 'CoAP', ndpi: 'COAP', category: 'IoT-Scada', kind: 'protocol', udpPorts: [5683], description: 'Constrained Application Protocol' }],
  transports: Transport.Udp,
  firstBytes: Array.from({ length: 64 }, (_, i) => 0x40 + i),
  maxPackets: 2,
  fields: [{ name: 'type', type: 'string', description: 'message type of the first message (CON, NON, ACK, RST)' }],
  probe(d, off, len, ctx) {
    return (ctx.serverPort === 5683 || ctx.clientPort === 5683) && coapType(d, off, len) !== null;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const t = coapType(d, off, len);
    if (!t) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('CoAP'));
    ctx.setField('type', t);
    return Verdict.Done;
  },
});
