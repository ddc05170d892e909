import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32le } from '../../helpers/text.js';

// Roughtime (Google's protocol description; IETF draft-ietf-ntp-roughtime), UDP/TCP 2002. A
// message is a tag-value map: number of tags N (u32 LE), N-1 value offsets (u32 LE, multiples of
// 4, non-decreasing), N tags (4 bytes each, ASCII such as NONC, PAD\xff, SIG\0, SREP, CERT, INDX,
// PATH, VER\0), then the values. IETF drafts prefix it with "ROUGHTIM" and a length (u32 LE).

const TAGS = new Set(['NONC', 'PAD\xff', 'PAD\0', 'SIG\0', 'SREP', 'CERT', 'INDX', 'PATH', 'VER\0', 'ZZZZ', 'SRV\0', 'MIDP', 'RADI', 'ROOT', 'DELE', 'PUBK', 'MINT', 'MAXT', 'TYPE', 'VERS']);

export function roughtimeMessage(d: Uint8Array, off: number, len: number): boolean {
  let p = off;
  let end = off + len;
  if (len >= 12 && d[p] === 0x52 && d[p + 1] === 0x4f && d[p + 2] === 0x55 && d[p + 3] === 0x47) {
    // "ROUGHTIM" + length
    const n = u32le(d, p + 8);
    if (12 + n > len) return false;
    p += 12;
    end = p + n;
  }
  if (end - p < 8) return false;
  const n = u32le(d, p);
  if (n < 1 || n > 32) return false;
  const header = 4 * (2 * n);
  if (p + header > end) return false;
  let last = 0;
  for (let i = 0; i < n - 1; i++) {
    const o = u32le(d, p + 4 + 4 * i);
    if (o % 4 !== 0 || o < last || p + header + o > end) return false;
    last = o;
  }
  let known = 0;
  for (let i = 0; i < n; i++) {
    const t = p + 4 * n + 4 * i;
    const tag = String.fromCharCode(d[t]!, d[t + 1]!, d[t + 2]!, d[t + 3]!);
    if (TAGS.has(tag)) known++;
  }
  return known > 0 && known * 2 >= n;
}

export default defineDissector<{ n: number }>({
  name: 'roughtime',
  protocols: [{ name: 'Roughtime', category: 'System', kind: 'protocol', tcpPorts: [2002], udpPorts: [2002], description: 'Roughtime secure time synchronisation' }],
  transports: Transport.Udp | Transport.Tcp,
  maxPackets: 2,
  probe(d, off, len) {
    if (len < 8) return false;
    const n = u32le(d, off);
    return (n >= 1 && n <= 32) || d[off] === 0x52;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (!roughtimeMessage(d, off, len)) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Roughtime'));
    return Verdict.Done;
  },
});
