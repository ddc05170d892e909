import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// MPEG-2 transport stream over UDP (ISO/IEC 13818-1 §2.4.3; carried raw or as in RFC 2250
// without RTP): 188-byte packets, each starting with the sync byte 0x47, then transport error /
// payload start / priority bits and the 13-bit PID, scrambling, adaptation field control (never
// 0: reserved) and continuity counter. A datagram holds whole packets (7 is usual: 1316 bytes).

export function tsPackets(d: Uint8Array, off: number, len: number): number {
  if (len < 188 || len % 188 !== 0) return 0;
  const n = len / 188;
  for (let i = 0; i < n; i++) {
    const p = off + i * 188;
    if (d[p] !== 0x47 || (d[p + 3]! & 0x30) === 0) return 0;
  }
  return n;
}

export default defineDissector<{ packets: number }>({
  name: 'mpeg_ts',
  protocols: [{ name: 'MPEG_TS', category: 'Media', kind: 'protocol', description: 'MPEG-2 transport stream over UDP' }],
  transports: Transport.Udp,
  firstBytes: [0x47],
  maxPackets: 3,
  probe(d, off, len) {
    return tsPackets(d, off, len) > 0;
  },
  createState() {
    return { packets: 0 };
  },
  inspect(s, d, off, len, ctx) {
    const n = tsPackets(d, off, len);
    if (n === 0) return Verdict.NotMine;
    // one 188-byte packet proves little: wait for a second datagram
    s.packets += n;
    if (s.packets < 2) return Verdict.Continue;
    ctx.setProtocol(ctx.protocolId('MPEG_TS'));
    return Verdict.Done;
  },
});
