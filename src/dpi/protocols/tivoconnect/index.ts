import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { startsWithAsciiCI, u32be } from '../../helpers/text.js';

// TiVo Connect Discovery (TiVo's "TiVo Connect Discovery Protocol" specification): a beacon of
// "key=value" lines, the first always "tivoconnect=1", then method, platform, machine, identity,
// services… Broadcast as one UDP datagram on port 2190; over TCP (port 2190, the directed form)
// each beacon is preceded by its length as a 4-byte big-endian integer. Keys are matched without
// case, as the spec asks receivers to.

const FIRST_LINE = 'tivoconnect=1';

interface State {
  seen: number;
}

/** offset of the beacon text in the payload (0 for UDP, 4 after the TCP length), or -1 */
export function beaconStart(d: Uint8Array, off: number, len: number, tcp: boolean): number {
  if (!tcp) return startsWithAsciiCI(d, off, len, FIRST_LINE) ? 0 : -1;
  if (len < 4 + FIRST_LINE.length) return -1;
  const size = u32be(d, off);
  if (size < FIRST_LINE.length || size > 65536) return -1;
  return startsWithAsciiCI(d, off + 4, len - 4, FIRST_LINE) ? 4 : -1;
}

export default defineDissector<State>({
  name: 'tivoconnect',
  protocols: [{ name: 'TiVoConnect', category: 'Network', kind: 'protocol', tcpPorts: [2190], udpPorts: [2190], description: 'TiVo Connect Discovery beacons' }],
  transports: Transport.Udp | Transport.Tcp,
  firstBytes: [0x74, 0x54, 0x00],
  maxPackets: 2,
  probe(d, off, len, ctx) {
    return ctx.l4 === 6 ? d[off] === 0 : beaconStart(d, off, len, false) === 0;
  },
  createState() {
    return { seen: 0 };
  },
  inspect(s, d, off, len, ctx) {
    s.seen++;
    if (beaconStart(d, off, len, ctx.l4 === 6) < 0) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('TiVoConnect'));
    return Verdict.Done;
  },
});
