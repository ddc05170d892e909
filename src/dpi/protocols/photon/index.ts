import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// Photon (Exit Games' real-time multiplayer service, used by many mobile games such as Toca
// Boca's) over UDP, per Photon's published binary protocol notes: a 12-byte header (16-bit
// peer id, CRC-enabled flag, command count, 32-bit sent time, 32-bit challenge) then
// `count` commands, each with a 12-byte header: type (1 acknowledge, 2 connect, 3 verify
// connect, 4 disconnect, 5 ping, 6 send reliable, 7 send unreliable, 8 reliable fragment,
// 9 unsequenced, 10–12 bandwidth/throttle/server time), channel, flags, a reserved byte,
// (not always 0), the command's 32-bit length (header included) and a 32-bit reliable sequence number.
// The commands must fill the datagram exactly. Photon's client SDK also pings servers
// before connecting ("best region") with 13-byte datagrams: twelve 0x7D bytes and an id.
// nDPI names this traffic TocaBoca.

export const PHOTON_PORTS = [5055, 5056, 5058, 27000, 27001, 27002] as const;
const HEADER = 12;
const COMMAND_HEADER = 12;

/** command count when the datagram is a well-formed Photon packet, else 0 */
export function photonCommands(d: Uint8Array, off: number, len: number): number {
  if (len < HEADER + COMMAND_HEADER) return 0;
  const crc = d[off + 2]!;
  const count = d[off + 3]!;
  if (crc > 1 || count === 0) return 0;
  let at = HEADER;
  for (let i = 0; i < count; i++) {
    if (at + COMMAND_HEADER > len) return 0;
    const type = d[off + at]!;
    const size = u32be(d, off + at + 4);
    if (type < 1 || type > 12) return 0; // the byte after the flags is not always 0 (clients send 4)
    if (size < COMMAND_HEADER || size > len - at) return 0;
    at += size;
  }
  return at === len ? count : 0;
}

/** Photon's region ping: twelve 0x7D bytes and a one-byte id */
export function isPhotonPing(d: Uint8Array, off: number, len: number): boolean {
  if (len !== 13) return false;
  for (let i = 0; i < 12; i++) if (d[off + i] !== 0x7d) return false;
  return true;
}

interface State {
  packets: number;
}

export default defineDissector<State>({
  name: 'photon',
  protocols: [{ name: 'Photon', ndpi: 'TocaBoca', category: 'Game', kind: 'protocol', udpPorts: [...PHOTON_PORTS], description: "Exit Games' Photon real-time multiplayer protocol (nDPI: TocaBoca)" }],
  transports: Transport.Udp,
  maxPackets: 2,
  probe(d, off, len, ctx) {
    if (photonCommands(d, off, len) !== 0) return true;
    const onPort = PHOTON_PORTS.includes(ctx.serverPort as 5055) || PHOTON_PORTS.includes(ctx.clientPort as 5055);
    return onPort && isPhotonPing(d, off, len);
  },
  createState() {
    return { packets: 0 };
  },
  inspect(s, d, off, len, ctx) {
    if (photonCommands(d, off, len) === 0 && !isPhotonPing(d, off, len)) return Verdict.NotMine;
    s.packets++;
    ctx.setProtocol(ctx.protocolId('Photon'));
    return Verdict.Done;
  },
});
