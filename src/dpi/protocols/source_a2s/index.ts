import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { latin1, startsWithAscii, u16le, u32be } from '../../helpers/text.js';

// Valve's Source (and GoldSrc) engine server queries, "A2S", per the Valve Developer Community
// wiki page "Server queries". All values little endian; strings NUL-terminated.
// A single-packet message starts with the 32-bit header FF FF FF FF (-1) and a one-byte kind:
//   requests  'T' 0x54 A2S_INFO: "Source Engine Query" NUL, optionally a 4-byte challenge
//             'U' 0x55 A2S_PLAYER, 'V' 0x56 A2S_RULES: exactly a 4-byte challenge (-1 asks for one)
//             'W' 0x57 A2S_SERVERQUERY_GETCHALLENGE, 'i' 0x69 A2A_PING: nothing more (5 bytes)
//   answers   'A' 0x41 S2C_CHALLENGE: exactly a 4-byte challenge
//             'I' 0x49 info: protocol byte, name, map, folder, game strings, 16-bit app id, ...
//             'm' 0x6D obsolete GoldSource info: address "ip:port", name, map, folder, game, ...
//             'D' 0x44 players: count byte, then per player index byte, name, score long,
//                 duration float (The Ship adds deaths and money longs per player)
//             'E' 0x45 rules: count short, then name/value string pairs
//             'j' 0x6A ping answer: Source sends "00000000000000" NUL
// A message too big for one datagram is split: header FF FF FF FE (-2), a 32-bit answer id,
// then Source: total byte, number byte, (Orange Box on) size short; GoldSource: one byte with
// the packet number in the upper and the total (2..15) in the lower 4 bits. Only a first
// fragment (number 0) of an uncompressed answer is taken, when its payload is itself a -1
// message whose kind is an answer ('I', 'D', 'E'). Player and rule walks must end exactly at
// the end of the datagram, or at its end when it is a first fragment.
// Every other FF FF FF FF datagram (Quake-family "getstatus", Steam's LAN discovery) is left alone.
// nDPI 4.11 names this traffic Source_Engine (older versions: HalfLife2).

const SINGLE = 0xffffffff;
const SPLIT = 0xfffffffe;
const INFO_QUERY = 'Source Engine Query';
const PING_REPLY = '00000000000000';

const KIND_NAMES: Record<number, string> = {
  0x54: 'A2S_INFO',
  0x55: 'A2S_PLAYER',
  0x56: 'A2S_RULES',
  0x57: 'A2S_SERVERQUERY_GETCHALLENGE',
  0x69: 'A2A_PING',
  0x41: 'S2C_CHALLENGE',
  0x49: 'S2A_INFO',
  0x6d: 'S2A_INFO_GOLDSRC',
  0x44: 'S2A_PLAYER',
  0x45: 'S2A_RULES',
  0x6a: 'A2A_ACK',
};

/** the end of the NUL-terminated string at `at` (index of the NUL), or -1 when it runs past `end` */
function strEnd(d: Uint8Array, at: number, end: number, printable: boolean): number {
  while (at < end) {
    const c = d[at]!;
    if (c === 0) return at;
    if (printable && (c < 0x20 || c === 0x7f)) return -1;
    at++;
  }
  return -1;
}

/**
 * The A2S message kind when `d[off..off+len)` is one A2S message (header -1), else 0.
 * `partial`: the message is the first fragment of a split answer, so it may stop short.
 */
export function a2sKind(d: Uint8Array, off: number, len: number, partial = false): number {
  if (len < 5 || u32be(d, off) !== SINGLE) return 0;
  const k = d[off + 4]!;
  const end = off + len;
  switch (k) {
    case 0x54: // 'T' A2S_INFO
      if (partial || (len !== 5 + INFO_QUERY.length + 1 && len !== 5 + INFO_QUERY.length + 1 + 4)) return 0;
      return startsWithAscii(d, off + 5, len - 5, INFO_QUERY) && d[off + 5 + INFO_QUERY.length] === 0 ? k : 0;
    case 0x55: // 'U' A2S_PLAYER
    case 0x56: // 'V' A2S_RULES
    case 0x41: // 'A' S2C_CHALLENGE
      return !partial && len === 9 ? k : 0;
    case 0x57: // 'W' getchallenge
    case 0x69: // 'i' ping
      return !partial && len === 5 ? k : 0;
    case 0x6a: // 'j' ping answer (Source)
      return !partial && len === 5 + PING_REPLY.length + 1 && startsWithAscii(d, off + 5, len - 5, PING_REPLY) && d[end - 1] === 0 ? k : 0;
    case 0x49: // 'I' info reply
      return infoReplyOk(d, off + 6, end, 4, true) ? k : 0;
    case 0x6d: // 'm' GoldSource info reply: address first
      return goldsrcAddressOk(d, off + 5, end) && infoReplyOk(d, off + 5, end, 5, false) ? k : 0;
    case 0x44: // 'D' players
      return playersOk(d, off + 5, end, partial) ? k : 0;
    case 0x45: // 'E' rules
      return rulesOk(d, off + 5, end, partial) ? k : 0;
    default:
      return 0;
  }
}

/** `n` NUL-terminated printable strings from `at` (all but the first and, for 'I', the name non-empty), then 2 bytes */
function infoReplyOk(d: Uint8Array, at: number, end: number, n: number, source: boolean): boolean {
  for (let s = 0; s < n; s++) {
    const z = strEnd(d, at, end, true);
    if (z < 0) return false;
    // Source: name may be empty, map, folder and game never are; GoldSource: address, name may be empty
    if (z === at && (source ? s >= 1 : s >= 2)) return false;
    at = z + 1;
  }
  return at + 2 <= end; // Source: the 16-bit Steam app id; GoldSource: player counts
}

/** "a.b.c.d:port" */
function goldsrcAddressOk(d: Uint8Array, at: number, end: number): boolean {
  let dots = 0;
  let colon = 0;
  let n = 0;
  while (at < end && d[at] !== 0) {
    const c = d[at]!;
    if (c === 0x2e) dots++;
    else if (c === 0x3a) colon++;
    else if (c < 0x30 || c > 0x39) return false;
    at++;
    n++;
    if (n > 21) return false;
  }
  return at < end && dots === 3 && colon === 1;
}

function playersOk(d: Uint8Array, at: number, end: number, partial: boolean): boolean {
  if (at >= end) return false;
  const count = d[at++]!;
  // plain entries; then, if not at the end, The Ship's deaths and money per player
  let p = at;
  for (let i = 0; i < count; i++) {
    if (p >= end) return partial && i > 0;
    const z = strEnd(d, p + 1, end, false);
    if (z < 0) return partial && i > 0;
    p = z + 1 + 8;
    if (p > end) return partial;
  }
  return p === end || p + 8 * count === end || partial;
}

function rulesOk(d: Uint8Array, at: number, end: number, partial: boolean): boolean {
  if (at + 2 > end) return false;
  const count = u16le(d, at);
  let p = at + 2;
  for (let i = 0; i < 2 * count; i++) {
    const z = strEnd(d, p, end, false);
    if (z < 0) return partial && i > 0;
    if (i % 2 === 0 && z === p) return false; // a rule has a name
    p = z + 1;
  }
  return p === end || (partial && count > 0);
}

/** the kind of the answer a split datagram's first fragment carries, else 0 */
export function a2sSplitKind(d: Uint8Array, off: number, len: number): number {
  if (len < 14 || u32be(d, off) !== SPLIT) return 0;
  if ((d[off + 7]! & 0x80) !== 0) return 0; // bzip2-compressed Source answer: nothing to check
  const answer = (k: number): number => (k === 0x49 || k === 0x44 || k === 0x45 ? k : 0);
  // Source, Orange Box on: total, number 0, size short
  const total = d[off + 8]!;
  if (total >= 2 && d[off + 9] === 0) {
    const size = u16le(d, off + 10);
    if (size >= 500 && size <= 1400 + 64 && len - 12 <= size + 64) {
      const k = answer(a2sKind(d, off + 12, len - 12, true));
      if (k !== 0) return k;
    }
    // older Source: no size field
    const k = answer(a2sKind(d, off + 10, len - 10, true));
    if (k !== 0) return k;
  }
  // GoldSource: number 0 in the upper 4 bits, total 2..15 in the lower
  const b = d[off + 8]!;
  if (b >> 4 === 0 && (b & 0x0f) >= 2) return answer(a2sKind(d, off + 9, len - 9, true));
  return 0;
}

interface State {
  messages: number;
}

export default defineDissector<State>({
  name: 'source_a2s',
  protocols: [{ name: 'SourceEngine', ndpi: 'Source_Engine', category: 'Game', kind: 'protocol', udpPorts: [27015], description: 'Valve Source engine server queries, A2S (nDPI: Source_Engine, formerly HalfLife2)' }],
  transports: Transport.Udp,
  firstBytes: [0xff],
  maxPackets: 2,
  fields: [
    { name: 'message', type: 'string', description: 'the first A2S message seen, e.g. A2S_INFO, S2A_PLAYER' },
    { name: 'game', type: 'string', description: "the game an info answer names (e.g. 'Counter-Strike')" },
    { name: 'split', type: 'bool', description: 'the first message seen was a fragment of a split answer' },
  ],
  probe(d, off, len) {
    return a2sKind(d, off, len) !== 0 || a2sSplitKind(d, off, len) !== 0;
  },
  createState() {
    return { messages: 0 };
  },
  inspect(s, d, off, len, ctx) {
    let k = a2sKind(d, off, len);
    let at = off;
    let split = false;
    if (k === 0) {
      k = a2sSplitKind(d, off, len);
      if (k === 0) return Verdict.NotMine;
      split = true;
      at = -1;
    }
    s.messages++;
    ctx.setProtocol(ctx.protocolId('SourceEngine'));
    ctx.setField('message', KIND_NAMES[k] ?? 'unknown');
    if (split) ctx.setField('split', true);
    if (k === 0x49 && at >= 0) {
      // skip protocol byte, name, map, folder: the fourth string is the game
      const end = off + len;
      let p = off + 6;
      for (let i = 0; i < 3; i++) p = strEnd(d, p, end, true) + 1;
      const z = strEnd(d, p, end, true);
      if (p > off && z > p) ctx.setField('game', latin1(d, p, Math.min(z, p + 64)));
    }
    return Verdict.Done;
  },
});
