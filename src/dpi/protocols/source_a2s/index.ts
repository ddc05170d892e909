import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { startsWithAscii, u32be } from '../../helpers/text.js';

// Valve's Source (and GoldSrc) engine server queries, "A2S", per the Valve Developer Community
// wiki page "Server queries": single-packet messages start with the 32-bit header FF FF FF FF
// and a one-byte kind. Requests: 'T' A2S_INFO, the string "Source Engine Query" and its NUL
// (optionally a 4-byte challenge); 'U' A2S_PLAYER and 'V' A2S_RULES, each with exactly a 4-byte
// challenge. Answers: 'A' the challenge (exactly 4 bytes), 'I' the server information (protocol
// byte, then NUL-terminated name, map, folder and game). Only these exact shapes are taken;
// other FF FF FF FF datagrams (Quake-family "getstatus", Steam's discovery) are left alone.
// nDPI names this traffic HalfLife2.

const HEADER = 0xffffffff;
const INFO_QUERY = 'Source Engine Query';

/** the A2S message kind ('T', 'U', 'V', 'A', 'I') when the datagram is one, else 0 */
export function a2sKind(d: Uint8Array, off: number, len: number): number {
  if (len < 9 || u32be(d, off) !== HEADER) return 0;
  const k = d[off + 4]!;
  switch (k) {
    case 0x54: // 'T' A2S_INFO
      if (len !== 5 + INFO_QUERY.length + 1 && len !== 5 + INFO_QUERY.length + 1 + 4) return 0;
      return startsWithAscii(d, off + 5, len - 5, INFO_QUERY) && d[off + 5 + INFO_QUERY.length] === 0 ? k : 0;
    case 0x55: // 'U' A2S_PLAYER
    case 0x56: // 'V' A2S_RULES
    case 0x41: // 'A' S2C_CHALLENGE
      return len === 9 ? k : 0;
    case 0x49: // 'I' info reply
      return infoReplyOk(d, off, len) ? k : 0;
    default:
      return 0;
  }
}

/** protocol byte, then four NUL-terminated printable strings (name, map, folder, game) */
function infoReplyOk(d: Uint8Array, off: number, len: number): boolean {
  let at = 6;
  for (let s = 0; s < 4; s++) {
    const start = at;
    while (at < len && d[off + at] !== 0) {
      if (d[off + at]! < 0x20 || d[off + at] === 0x7f) return false;
      at++;
    }
    if (at >= len) return false;
    if (s >= 1 && at === start) return false; // map, folder and game are never empty
    at++;
  }
  return at + 2 <= len; // the 16-bit Steam application id follows
}

interface State {
  messages: number;
}

export default defineDissector<State>({
  name: 'source_a2s',
  protocols: [{ name: 'SourceEngine', ndpi: 'HalfLife2', category: 'Game', kind: 'protocol', udpPorts: [27015], description: "Valve Source engine server queries, A2S (nDPI: HalfLife2)" }],
  transports: Transport.Udp,
  firstBytes: [0xff],
  maxPackets: 2,
  probe(d, off, len) {
    return a2sKind(d, off, len) !== 0;
  },
  createState() {
    return { messages: 0 };
  },
  inspect(s, d, off, len, ctx) {
    if (a2sKind(d, off, len) === 0) return Verdict.NotMine;
    s.messages++;
    ctx.setProtocol(ctx.protocolId('SourceEngine'));
    return Verdict.Done;
  },
});
