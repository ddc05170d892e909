import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32le } from '../../helpers/text.js';

// KCP, the ARQ protocol of the open-source ikcp library (skywind3000/kcp, protocol notes in its
// README and ikcp.h), over UDP. A datagram holds one or more segments, each a 24-byte
// little-endian header: conv (conversation id, 32), cmd (0x51 push, 0x52 ack, 0x53 window
// probe, 0x54 window size), frg (fragments remaining), wnd (16), ts (32), sn (32), una (32)
// and len (32, the data bytes that follow). The segments must fill the datagram exactly and
// share one conv. A datagram that carries data is named at once; header-only ones (acks,
// probes) need a second datagram of the same conversation.

const SEGMENT = 24;
const CMD_PUSH = 0x51;
const CMD_WINS = 0x54;

export interface KcpSummary {
  conv: number;
  segments: number;
  dataBytes: number;
}

/** the datagram's conv, segment count and data bytes when it is a well-formed KCP datagram */
export function kcpDatagram(d: Uint8Array, off: number, len: number): KcpSummary | null {
  if (len < SEGMENT) return null;
  const conv = u32le(d, off);
  let at = 0;
  let segments = 0;
  let dataBytes = 0;
  while (at < len) {
    if (at + SEGMENT > len || u32le(d, off + at) !== conv) return null;
    const cmd = d[off + at + 4]!;
    if (cmd < CMD_PUSH || cmd > CMD_WINS) return null;
    const n = u32le(d, off + at + 20);
    if (n > len - at - SEGMENT) return null;
    // only pushes carry data
    if (n > 0 && cmd !== CMD_PUSH) return null;
    at += SEGMENT + n;
    dataBytes += n;
    segments++;
  }
  return { conv, segments, dataBytes };
}

interface State {
  conv: number;
}

export default defineDissector<State>({
  name: 'kcp',
  protocols: [{ name: 'KCP', category: 'Network', kind: 'protocol', description: 'KCP reliable transport (ikcp) over UDP' }],
  transports: Transport.Udp,
  maxPackets: 3,
  probe(d, off, len) {
    if (len < SEGMENT) return false;
    const cmd = d[off + 4]!;
    return cmd >= CMD_PUSH && cmd <= CMD_WINS && kcpDatagram(d, off, len) !== null;
  },
  createState() {
    return { conv: -1 };
  },
  inspect(s, d, off, len, ctx) {
    const k = kcpDatagram(d, off, len);
    if (!k || (s.conv >= 0 && k.conv !== s.conv)) return Verdict.NotMine;
    if (k.dataBytes === 0 && s.conv < 0) {
      s.conv = k.conv;
      return Verdict.Continue;
    }
    ctx.setProtocol(ctx.protocolId('KCP'));
    return Verdict.Done;
  },
});
