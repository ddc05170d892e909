import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { startsWithAscii, u16le } from '../../helpers/text.js';

// World of Warcraft's game (realm) connection over TCP, per the WoW protocol notes of the
// wowdev wiki and the open server emulators' documentation: since 6.x (Warlords of Draenor)
// both ends open the connection with an initialisation string framed by a 16-bit little-endian
// length: "WORLD OF WARCRAFT CONNECTION - SERVER TO CLIENT" (server, first) and
// "… - CLIENT TO SERVER" (client's answer), NUL-terminated. Blizzard lists TCP 3724 (1119, Battle.net's, is shared with its other games)
// for the game. What follows is encrypted.

const PREFIX = 'WORLD OF WARCRAFT CONNECTION - ';
const TAILS = ['SERVER TO CLIENT', 'CLIENT TO SERVER'] as const;

/** 0 server → client, 1 client → server, -1 not the WoW connection initialisation */
export function wowHello(d: Uint8Array, off: number, len: number): number {
  if (len < 2 + PREFIX.length + 16 + 1) return -1;
  const size = u16le(d, off);
  if (size !== PREFIX.length + 16 + 1 || size > len - 2) return -1;
  if (!startsWithAscii(d, off + 2, len - 2, PREFIX)) return -1;
  for (let i = 0; i < TAILS.length; i++) {
    if (startsWithAscii(d, off + 2 + PREFIX.length, len - 2 - PREFIX.length, TAILS[i]!) && d[off + 1 + size] === 0) return i;
  }
  return -1;
}

interface State {
  seen: number;
}

export default defineDissector<State>({
  name: 'wow',
  protocols: [{ name: 'WorldOfWarcraft', category: 'Game', kind: 'application', tcpPorts: [3724], description: 'World of Warcraft game connection' }],
  transports: Transport.Tcp,
  firstBytes: [0x30],
  maxPackets: 2,
  probe(d, off, len) {
    // the first bytes may still be arriving: accept what could become the initialisation
    return len >= 2 && u16le(d, off) === PREFIX.length + 17;
  },
  createState() {
    return { seen: 0 };
  },
  inspect(s, d, off, len, ctx) {
    if (len < 2 + PREFIX.length + 17) return len >= 2 && u16le(d, off) === PREFIX.length + 17 ? Verdict.Continue : Verdict.NotMine;
    if (wowHello(d, off, len) < 0) return Verdict.NotMine;
    s.seen++;
    ctx.setApplication(ctx.protocolId('WorldOfWarcraft'));
    return Verdict.Done;
  },
});
