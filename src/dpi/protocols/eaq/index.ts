import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// EAQ: the UDP probe of Brazil's broadband quality measurement programme (Entidade Aferidora da
// Qualidade, the "Brasil Banda Larga" meter), to measurement servers on UDP port 6000. The
// protocol is not publicly specified; this relies on its visible, fixed layout only: 16-byte
// datagrams whose last four bytes are a direction marker (00 00 90 00 from the meter,
// 00 00 60 00 in the server's echo), the first twelve (a 32-bit probe counter, a timestamp and
// a session word) echoed unchanged by the server. Port 6000 is required: a 16-byte datagram
// alone says too little.

export const EAQ_PORT = 6000;
export const CLIENT_MARK = 0x90;
export const SERVER_MARK = 0x60;

/** the direction marker of an EAQ probe (0x90 meter, 0x60 server), or 0 */
export function eaqMarker(d: Uint8Array, off: number, len: number): number {
  if (len !== 16) return 0;
  if (u16be(d, off + 12) !== 0 || d[off + 15] !== 0) return 0;
  const m = d[off + 14]!;
  if (m !== CLIENT_MARK && m !== SERVER_MARK) return 0;
  // the probe counter starts at 0 and a session sends a handful: its top bytes are zero
  if (d[off] !== 0 || d[off + 1] !== 0) return 0;
  return m;
}

interface State {
  probes: number;
}

export default defineDissector<State>({
  name: 'eaq',
  protocols: [{ name: 'EAQ', category: 'Network', kind: 'protocol', udpPorts: [EAQ_PORT], description: "Brazil's EAQ broadband quality meter probes" }],
  transports: Transport.Udp,
  firstBytes: [0],
  maxPackets: 2,
  probe(d, off, len, ctx) {
    if (ctx.serverPort !== EAQ_PORT && ctx.clientPort !== EAQ_PORT) return false;
    return eaqMarker(d, off, len) !== 0;
  },
  createState() {
    return { probes: 0 };
  },
  inspect(s, d, off, len, ctx) {
    if (eaqMarker(d, off, len) === 0) return Verdict.NotMine;
    s.probes++;
    // the port and the fixed layout already name it; the echo is not needed (some meters' probes go unanswered)
    ctx.setProtocol(ctx.protocolId('EAQ'));
    return Verdict.Done;
  },
});
