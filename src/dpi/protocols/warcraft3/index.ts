import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16le } from '../../helpers/text.js';

// Warcraft III's game protocol (W3GS, as documented by the Battle.net developer community's
// BNETDocs): LAN game discovery over UDP 6112 and the game itself over TCP 6112. Every message is
// a 4-byte header — the class byte 0xF7, a message id, and the message's whole length (header
// included) as 2 bytes little endian — then its body; a segment or datagram may hold several.

const W3GS = 0xf7;
/** message ids BNETDocs lists for W3GS */
const MESSAGE_IDS = new Uint8Array(256);
for (const id of [
  0x01, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0f, 0x10, 0x11, 0x12, 0x14, 0x15, 0x16, 0x1b, 0x1c, 0x1e,
  0x21, 0x23, 0x26, 0x27, 0x28, 0x29, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x35, 0x36, 0x37, 0x3b, 0x3d, 0x3f, 0x42, 0x43,
  0x44, 0x45, 0x46, 0x48,
]) MESSAGE_IDS[id] = 1;

/**
 * 1 when the payload is whole W3GS messages end to end, 2 when it is messages of which the last
 * goes on past the payload (a TCP segment cut mid-message), 0 when it is not W3GS.
 */
export function w3gsChain(d: Uint8Array, off: number, len: number): 0 | 1 | 2 {
  let p = 0;
  let n = 0;
  while (p + 4 <= len && n < 16) {
    if (d[off + p] !== W3GS || MESSAGE_IDS[d[off + p + 1]!] !== 1) return 0;
    const size = u16le(d, off + p + 2);
    if (size < 4) return 0;
    p += size;
    n++;
  }
  if (n === 0) return 0;
  if (p === len) return 1;
  return p > len ? 2 : 0;
}

interface State {
  seen: number;
}

export default defineDissector<State>({
  name: 'warcraft3',
  protocols: [{ name: 'Warcraft3', category: 'Game', kind: 'protocol', tcpPorts: [6112], udpPorts: [6112], description: 'Blizzard Warcraft III game protocol (W3GS)' }],
  transports: Transport.Udp | Transport.Tcp,
  firstBytes: [W3GS],
  maxPackets: 3,
  probe(d, off, len) {
    return len < 4 || w3gsChain(d, off, len) !== 0;
  },
  createState() {
    return { seen: 0 };
  },
  inspect(s, d, off, len, ctx) {
    s.seen++;
    if (len < 4) return ctx.l4 === 6 && s.seen < 3 ? Verdict.Continue : Verdict.NotMine;
    const chain = w3gsChain(d, off, len);
    // a datagram holds whole messages; a cut last message counts only on the game's own port
    const onPort = ctx.serverPort === 6112 || ctx.clientPort === 6112;
    if (chain === 0 || (chain === 2 && (ctx.l4 !== 6 || !onPort))) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Warcraft3'));
    return Verdict.Done;
  },
});
