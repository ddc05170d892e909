import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { latin1, startsWithAscii, startsWithAsciiCI } from '../../helpers/text.js';

// IRC client protocol: RFC 1459 §2.3 (message format), RFC 2812 §2.3 and §3.1 (connection
// registration: PASS, NICK, USER), and the modern client protocol documents (modern.ircdocs.horse:
// message tags, source, numerics whose first parameter is the client's nick or "*"; ircv3.net:
// capability negotiation "CAP LS 302", WEBIRC). A message is
// ["@" tags SP] [":" source SP] command *(SP param) [SP ":" trailing] CRLF, and many servers
// accept a bare LF. The client opens with registration lines; the server may speak first with
// "NOTICE * :*** Looking up your hostname" or answer with numerics (":srv 001 nick :Welcome").
// No field is output: every parameter of these lines is a nickname, a user name, a real name, a
// password, a channel or message text.

interface State {
  /** how far each direction's stream has been read, in lines */
  pos: [number, number];
  /** evidence gathered so far: a structural line that only IRC sends counts 2, a weaker one 1 */
  score: number;
}

interface Message {
  hasSource: boolean;
  command: string;
  params: string[];
}

// RFC 1459 §2.3 says 512 bytes with CR LF; IRCv3 message tags may add up to 8191 more
const MAX_LINE = 512 + 8191;
const MAX_PARAMS = 15;
const ENOUGH = 2;

const CLIENT_COMMANDS = ['CAP', 'NICK', 'USER', 'PASS', 'WEBIRC', 'PING', 'PONG', 'AUTHENTICATE', 'QUIT'];
const SERVER_FIRST_WORDS = ['NOTICE ', 'PING ', 'ERROR '];
const CAP_SERVER_SUBCOMMANDS = ['LS', 'ACK', 'NAK', 'LIST', 'NEW', 'DEL'];

/**
 * The line starting at data[off+pos]: its text without CR LF and where the next one starts;
 * undefined while incomplete, null when it holds NUL or a lone CR, or is too long. IRC text may
 * carry formatting control bytes (bold 0x02, colour 0x03), so only NUL, CR and LF are refused.
 */
function nextLine(d: Uint8Array, off: number, len: number, pos: number): { text: string; next: number } | null | undefined {
  const end = off + len;
  const limit = Math.min(end, off + pos + MAX_LINE);
  for (let i = off + pos; i < limit; i++) {
    const c = d[i]!;
    if (c === 0x0a) {
      const stop = i > off + pos && d[i - 1] === 0x0d ? i - 1 : i;
      return { text: latin1(d, off + pos, stop), next: i + 1 - off };
    }
    if (c === 0 || (c === 0x0d && i + 1 < end && d[i + 1] !== 0x0a)) return null;
  }
  return limit < end ? null : undefined;
}

function parseMessage(line: string): Message | null {
  let i = 0;
  if (line.startsWith('@')) {
    const sp = line.indexOf(' ');
    if (sp <= 1) return null;
    i = sp;
    while (line[i] === ' ') i++;
  }
  let hasSource = false;
  if (line[i] === ':') {
    const sp = line.indexOf(' ', i);
    if (sp <= i + 1) return null;
    hasSource = true;
    i = sp;
    while (line[i] === ' ') i++;
  }
  const m = /^(?:[A-Za-z]{1,20}|\d{3})(?= |$)/.exec(line.slice(i, i + 21));
  if (!m) return null;
  const command = m[0].toUpperCase();
  i += m[0].length;
  const params: string[] = [];
  while (i < line.length) {
    while (line[i] === ' ') i++;
    if (i >= line.length) break;
    if (params.length === MAX_PARAMS) return null;
    if (line[i] === ':') {
      params.push(line.slice(i + 1));
      break;
    }
    const sp = line.indexOf(' ', i);
    const stop = sp < 0 ? line.length : sp;
    params.push(line.slice(i, stop));
    i = stop;
  }
  return { hasSource, command, params };
}

// modern.ircdocs.horse "Clients": nicknames hold no space, comma, "*", "?", "!" or "@" and do not
// start with a channel prefix or ":"; servers cap them far below this length
const NICKNAME = /^[^\s,*?!@#&:$][^\s,*?!@]{0,63}$/;

/** Evidence from one client line (0: proves nothing, -1: no client sends it first) */
function clientEvidence(msg: Message): number {
  const p = msg.params;
  switch (msg.command) {
    case 'CAP': {
      const sub = p[0]?.toUpperCase();
      // "CAP LS" with an optional 3xx version (IRCv3.2 uses 302), "CAP REQ :caps"
      if (sub === 'LS') return p.length === 1 || (p.length === 2 && /^3\d\d$/.test(p[1]!)) ? 2 : -1;
      if (sub === 'REQ') return p.length === 2 ? 2 : -1;
      if (sub === 'END' || sub === 'LIST') return p.length === 1 ? 1 : -1;
      return -1;
    }
    case 'USER':
      // RFC 1459: user host server :real name; RFC 2812: user mode unused :real name
      return p.length === 4 && p[0]!.length > 0 && !p[0]!.includes('@') ? 2 : -1;
    case 'WEBIRC':
      // ircv3.net WEBIRC: password gateway hostname ip [:options]
      return p.length === 4 || p.length === 5 ? 2 : -1;
    case 'NICK':
      // RFC 1459 let servers add a hop count; the nickname alone from clients
      return (p.length === 1 || p.length === 2) && NICKNAME.test(p[0]!) ? 1 : -1;
    case 'PASS':
      // RFC 2813 server links add version, flags and options after the password
      return p.length >= 1 && p.length <= 4 && p[0]!.length > 0 ? 1 : -1;
    case 'PING':
    case 'PONG':
    case 'AUTHENTICATE':
      return p.length >= 1 && p.length <= 2 ? 1 : -1;
    case 'QUIT':
      return p.length <= 1 ? 0 : -1;
    default:
      return -1;
  }
}

/** Evidence from one server line */
function serverEvidence(msg: Message): number {
  const p = msg.params;
  const c = msg.command;
  if (/^\d{3}$/.test(c)) {
    // FTP and SMTP replies also open with three digits, never with a source
    if (!msg.hasSource) return -1;
    // the target first (the nick, or "*" before registration), then the reply's text
    return p.length >= 2 && (p[0] === '*' || NICKNAME.test(p[0]!)) ? 2 : -1;
  }
  switch (c) {
    case 'NOTICE':
      // "NOTICE AUTH :*** …" from servers that predate the "*" target
      if (p.length !== 2) return -1;
      return msg.hasSource || p[0] === 'AUTH' || p[0] === '*' ? 2 : 1;
    case 'CAP':
      return msg.hasSource && p.length >= 3 && CAP_SERVER_SUBCOMMANDS.includes(p[1]!.toUpperCase()) ? 2 : -1;
    case 'PING':
    case 'ERROR':
      return p.length === 1 || p.length === 2 ? 1 : -1;
    default:
      // relayed messages (":nick!user@host JOIN …") later in a session: a source is required
      return msg.hasSource && p.length >= 1 ? 1 : -1;
  }
}

function wordFollows(d: Uint8Array, off: number, len: number, word: string): boolean {
  const n = Math.min(len, word.length);
  if (!startsWithAsciiCI(d, off, n, word.slice(0, n))) return false;
  if (len <= word.length) return true;
  const after = d[off + word.length];
  return after === 0x20 || after === 0x0d || after === 0x0a;
}

const ASCII = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

export default defineDissector<State>({
  name: 'irc',
  protocols: [{ name: 'IRC', category: 'Chat', kind: 'protocol', tcpPorts: [6665, 6666, 6667, 6668, 6669, 7000], description: 'Internet Relay Chat' }],
  transports: Transport.Tcp,
  firstBytes: [...ASCII(':@'), ...ASCII('CNUPWE'), ...ASCII('cnupwe')],
  maxPackets: 8,
  probe(d, off, len, ctx) {
    if (len === 0) return false;
    const first = d[off]!;
    if (first === 0x40) return true; // message tags
    if (ctx.dir === 1) {
      if (first === 0x3a) return len === 1 || d[off + 1] !== 0x20;
      return SERVER_FIRST_WORDS.some((w) => startsWithAscii(d, off, Math.min(len, w.length), w.slice(0, Math.min(len, w.length))));
    }
    for (const c of CLIENT_COMMANDS) if (wordFollows(d, off, len, c)) return true;
    return false;
  },
  createState() {
    return { pos: [0, 0], score: 0 };
  },
  inspect(s, d, off, len, ctx) {
    const dir = ctx.dir;
    for (;;) {
      const line = nextLine(d, off, len, s.pos[dir]);
      if (line === undefined) return Verdict.Continue;
      if (line === null) return Verdict.NotMine;
      s.pos[dir] = line.next;
      // servers and clients alike may send empty lines; they say nothing
      if (line.text.length === 0) continue;
      const msg = parseMessage(line.text);
      if (msg === null) return Verdict.NotMine;
      // clients send no source (modern.ircdocs.horse: servers may drop such messages)
      const evidence = dir === 0 ? (msg.hasSource ? -1 : clientEvidence(msg)) : serverEvidence(msg);
      if (evidence < 0) return Verdict.NotMine;
      s.score += evidence;
      if (s.score >= ENOUGH) {
        ctx.setProtocol(ctx.protocolId('IRC'));
        return Verdict.Done;
      }
    }
  },
});
