import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { readLine, startsWithAsciiCI } from '../../helpers/text.js';
import { continueInTls } from '../../helpers/starttls.js';

// NNTP, the Network News Transfer Protocol (RFC 3977), with AUTHINFO (RFC 4643) and STARTTLS
// (RFC 4642). §5.1: the server speaks first, 200 (posting may be allowed) or 201 (no posting),
// or 400 / 502 when it refuses service. Replies are a three-digit code then text (§3.2);
// CAPABILITIES is answered by a 101 multi-line list whose first line is "VERSION 2" (§5.2),
// ended by a line holding a single dot (§3.1.1). Commands are case-insensitive keywords
// (§3.1). STARTTLS answered by 382 starts TLS at once (RFC 4642 §2.2); AUTHINFO PASS (RFC 4643
// §2.3) or AUTHINFO SASL PLAIN (§2.4) sent before it carries a password in the clear.
// FTP and SMTP greet with 220 and POP3 with +OK, but "200 " greetings are not NNTP's alone:
// the greeting decides only when its text is news-like, otherwise an NNTP command does.
// Group names, article numbers and message-ids, and user names are never read or stored.

interface State {
  pos: [number, number];
  lines: [number, number];
  named: boolean;
  /** a 200/201/400/502 first line whose text did not say news: a command must confirm it */
  greetingCode: number;
  /** inside a 101 capability list */
  inCapabilities: boolean;
  /** the line after "101" must be VERSION (§5.2.1) */
  expectVersion: boolean;
  startTlsAsked: boolean;
  risk: boolean;
}

const GREETINGS = [200, 201, 400, 502];

/** RFC 3977 §3.1 / appendix, RFC 4643/4642/4644/8054, and the RFC 2980 extensions still in use */
const COMMANDS = [
  'ARTICLE', 'AUTHINFO', 'BODY', 'CAPABILITIES', 'CHECK', 'COMPRESS', 'DATE', 'GROUP', 'HDR', 'HEAD', 'HELP', 'IHAVE',
  'LAST', 'LIST', 'LISTGROUP', 'MODE', 'NEWGROUPS', 'NEWNEWS', 'NEXT', 'OVER', 'POST', 'QUIT', 'SLAVE', 'STARTTLS',
  'STAT', 'TAKETHIS', 'XGTITLE', 'XHDR', 'XOVER', 'XPAT',
];

/** the LIST keywords of RFC 3977 §7.6 and RFC 6048: FTP's LIST takes a path instead */
const LIST_KEYWORDS = /^LIST (ACTIVE|ACTIVE\.TIMES|COUNTS|DISTRIB\.PATS|DISTRIBUTIONS|HEADERS|MODERATORS|MOTD|NEWSGROUPS|OVERVIEW\.FMT|SUBSCRIPTIONS)\b/i;

/** A message-id argument (§3.6): HTTP's HEAD and POST take a path, POP3's STAT takes nothing. */
const MESSAGE_ID_ARGUMENT = /^(ARTICLE|BODY|HEAD|STAT|IHAVE|CHECK|TAKETHIS) <[!-=?-~]+>$/i;

/** An article number (§6.2): HTTP's HEAD takes a path, POP3's STAT nothing, POP3's TOP is another verb. */
const ARTICLE_NUMBER_ARGUMENT = /^(BODY|HEAD|STAT) \d{1,16}$/i;

/** Commands no other common text protocol sends (IMAP's are tagged, POP3 has CAPA, FTP MODE takes a letter). */
function isDecisive(line: string, verb: string): boolean {
  switch (verb) {
    case 'CAPABILITIES':
    case 'AUTHINFO':
    case 'GROUP':
    case 'LISTGROUP':
    case 'NEWGROUPS':
    case 'NEWNEWS':
    case 'XOVER':
    case 'OVER':
    case 'XHDR':
    case 'HDR':
    case 'XGTITLE':
      return true;
    case 'MODE':
      return /^MODE (READER|STREAM)$/i.test(line);
    case 'LIST':
      return LIST_KEYWORDS.test(line);
    case 'ARTICLE':
      return /^ARTICLE( \d{1,16})?$/i.test(line) || MESSAGE_ID_ARGUMENT.test(line);
    default:
      return MESSAGE_ID_ARGUMENT.test(line) || ARTICLE_NUMBER_ARGUMENT.test(line);
  }
}

/** Words that server software puts in its greeting (INN, Leafnode, Diablo, commercial servers…). */
const NEWS_LIKE = /\b(NNTP|NNRP|NNRPD|INN|news|Usenet|Leafnode|Diablo|Typhoon|Cyclone|Highwinds|posting)\b|newsfeeds|reader/i;
const OTHER_SERVICE = /\b(E?SMTP|FTP|POP3|IMAP|HTTP)\b/i;

/** Letters that start the commands: the client side of a capture whose greeting was missed. */
const COMMAND_FIRST_BYTES = [...new Set(COMMANDS.map((c) => c.charCodeAt(0)))].flatMap((c) => [c, c + 0x20]);

export default defineDissector<State>({
  name: 'nntp',
  protocols: [{ name: 'NNTP', ndpi: 'Usenet', category: 'Web', kind: 'protocol', tcpPorts: [119], description: 'Network News Transfer Protocol (Usenet)' }],
  transports: Transport.Tcp,
  // replies start with a digit: 1xx, 2xx, 4xx and 5xx are the ones a session opens or goes on with
  firstBytes: [0x31, 0x32, 0x34, 0x35, ...COMMAND_FIRST_BYTES],
  maxPackets: 12,
  fields: [
    { name: 'posting_allowed', type: 'bool', description: 'the greeting code: 200 (posting may be allowed) or 201 (no posting)' },
    { name: 'version', type: 'int', description: 'the NNTP version in the CAPABILITIES list (2 for RFC 3977)' },
    { name: 'implementation', type: 'string', description: 'the server software from the IMPLEMENTATION capability' },
    { name: 'starttls', type: 'bool', description: 'the session was upgraded to TLS with STARTTLS' },
  ],
  probe(data, off, len, ctx) {
    if (ctx.dir === 1) {
      const c = data[off];
      if (c !== 0x31 && c !== 0x32 && c !== 0x34 && c !== 0x35) return false;
      for (let i = 1; i < Math.min(len, 3); i++) if (data[off + i]! < 0x30 || data[off + i]! > 0x39) return false;
      return true;
    }
    let word = 0;
    while (word < len && word < 13 && ((data[off + word]! | 0x20) >= 0x61 && (data[off + word]! | 0x20) <= 0x7a)) word++;
    if (word === 0 || word > 12) return false;
    if (word < len) {
      const next = data[off + word];
      if (next !== 0x20 && next !== 0x0d && next !== 0x0a) return false;
    }
    for (const c of COMMANDS) if ((word === len ? c.length >= word : c.length === word) && startsWithAsciiCI(data, off, word, c.slice(0, word))) return true;
    return false;
  },
  createState() {
    return { pos: [0, 0], lines: [0, 0], named: false, greetingCode: 0, inCapabilities: false, expectVersion: false, startTlsAsked: false, risk: false };
  },
  inspect(s, data, off, len, ctx) {
    const d = ctx.dir;
    const name = (): void => {
      if (s.named) return;
      s.named = true;
      ctx.setProtocol(ctx.protocolId('NNTP'));
      if (s.greetingCode === 200 || s.greetingCode === 201) ctx.setField('posting_allowed', s.greetingCode === 200);
    };
    for (;;) {
      // articles and lists are text, but a line may be long: only the reply and command lines matter
      const line = readLine(data, off, len, s.pos[d], 2048);
      if (line === undefined) break;
      if (line === null) return s.named ? Verdict.Done : Verdict.NotMine;
      s.pos[d] = line.next;
      const n = s.lines[d]++;
      const t = line.text;
      if (d === 1) {
        if (s.inCapabilities) {
          if (t === '.') {
            s.inCapabilities = false;
            continue;
          }
          if (s.expectVersion) {
            s.expectVersion = false;
            const v = /^VERSION( \d{1,3})+$/i.exec(t);
            if (!v) {
              if (!s.named) return Verdict.NotMine;
              continue;
            }
            name();
            ctx.setField('version', Number(t.split(' ')[1]));
          } else if (/^IMPLEMENTATION /i.test(t)) {
            ctx.setField('implementation', t.slice(15, 95).trim());
          }
          continue;
        }
        const m = /^([1-5])\d\d(?: |$)/.exec(t);
        if (!m) {
          if (s.named) continue; // the text of a multi-line reply the client asked for
          return Verdict.NotMine;
        }
        const code = Number(t.slice(0, 3));
        if (code === 101) {
          s.inCapabilities = true;
          s.expectVersion = true;
          continue;
        }
        if (n === 0) {
          // any other first reply: a capture that starts inside a session, where only a
          // command or a capability list decides
          if (GREETINGS.includes(code)) {
            s.greetingCode = code;
            if (NEWS_LIKE.test(t) && !OTHER_SERVICE.test(t)) name();
          }
        } else if (s.startTlsAsked && code === 382) {
          name();
          return continueInTls(ctx, 'starttls', 'NNTP');
        }
        if (s.startTlsAsked && code !== 382) s.startTlsAsked = false;
      } else {
        const verb = /^[A-Za-z]+/.exec(t)?.[0]?.toUpperCase() ?? '';
        if (!COMMANDS.includes(verb) || (t.length > verb.length && t[verb.length] !== ' ')) {
          return s.named ? Verdict.Continue : Verdict.NotMine;
        }
        if (!s.named && (isDecisive(t, verb) || ((s.greetingCode === 200 || s.greetingCode === 201) && verb !== 'HEAD' && verb !== 'POST' && verb !== 'LIST' && verb !== 'HELP' && verb !== 'QUIT'))) {
          // after a 200/201 greeting any NNTP command confirms it, but HEAD and POST lines of
          // HTTP, and FTP's LIST and HELP, only with their NNTP arguments
          name();
        }
        if (!s.named && n >= 3) return Verdict.NotMine;
        if (verb === 'STARTTLS') s.startTlsAsked = true;
        else if (verb === 'AUTHINFO' && !s.risk && (/^AUTHINFO PASS /i.test(t) || /^AUTHINFO SASL (PLAIN|LOGIN)\b/i.test(t))) {
          s.risk = true;
          ctx.addRisk('clear_text_credentials', 'NNTP AUTHINFO without TLS');
          if (s.named) return Verdict.Done;
        } else if (s.named && (verb === 'GROUP' || verb === 'ARTICLE' || verb === 'BODY' || verb === 'POST' || verb === 'QUIT' || verb === 'IHAVE' || verb === 'TAKETHIS')) {
          // the reading or feeding has started: nothing of interest follows
          return Verdict.Done;
        }
      }
    }
    return Verdict.Continue;
  },
});
