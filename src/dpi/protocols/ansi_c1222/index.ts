import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// ANSI C12.22 (IEEE 1703, metering over IP, TCP/UDP 1153): each message is an ACSE PDU in
// BER — tag 0x60 ([APPLICATION 0] constructed), a BER length covering the rest of the message,
// then context-specific elements: [1] application context or [2] called AP title (0xa1/0xa2),
// [4] called AP invocation id, [6] calling AP title (0xa6), [7]/[8] calling AE qualifier /
// invocation id, [11]/[12] authentication, [30] user information (0xbe).

const ELEMENTS = new Set([0xa1, 0xa2, 0xa3, 0xa4, 0xa6, 0xa7, 0xa8, 0xa9, 0x8a, 0x8b, 0xac, 0xbe]);

/** BER length at data[p]: [value, bytes used] or null */
function berLength(d: Uint8Array, p: number, end: number): [number, number] | null {
  if (p >= end) return null;
  const b = d[p]!;
  if (b < 0x80) return [b, 1];
  const n = b & 0x7f;
  if (n === 0 || n > 3 || p + n >= end) return null;
  let v = 0;
  for (let i = 1; i <= n; i++) v = v * 256 + d[p + i]!;
  return [v, 1 + n];
}

export function isC1222(d: Uint8Array, off: number, len: number, datagram: boolean): boolean {
  if (len < 8 || d[off] !== 0x60) return false;
  const l = berLength(d, off + 1, off + len);
  if (!l) return false;
  const total = 1 + l[1] + l[0];
  if (datagram ? total !== len : total > 65536) return false;
  // the elements inside must chain, each with a known tag
  let p = off + 1 + l[1];
  const end = off + Math.min(len, total);
  let n = 0;
  while (p < end && n < 4) {
    if (!ELEMENTS.has(d[p]!)) return false;
    const e = berLength(d, p + 1, off + len);
    if (!e) return n > 0 && !datagram;
    p += 1 + e[1] + e[0];
    n++;
  }
  return n > 0 && (p <= end || !datagram);
}

export default defineDissector<{ n: number }>({
  name: 'ansi_c1222',
  protocols: [{ name: 'ANSI_C1222', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [1153], udpPorts: [1153], description: 'ANSI C12.22 metering protocol' }],
  transports: Transport.Udp | Transport.Tcp,
  firstBytes: [0x60],
  maxPackets: 2,
  probe(_d, _off, _len, ctx) {
    return ctx.serverPort === 1153 || ctx.clientPort === 1153;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (!isC1222(d, off, len, ctx.l4 === 17)) return ctx.l4 === 6 && len < 8 ? Verdict.Continue : Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('ANSI_C1222'));
    return Verdict.Done;
  },
});
