import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { readLine, startsWithAscii } from '../../helpers/text.js';
import { continueInTls } from '../../helpers/starttls.js';

// IMAP4 (RFC 9051 / 3501): the server greets with an untagged "* OK" (or "* PREAUTH"), the
// client sends tagged commands "tag COMMAND …". STARTTLS answered by "tag OK" upgrades the
// session to TLS (named IMAPS, like nDPI). LOGIN or AUTHENTICATE PLAIN/LOGIN before that sends
// credentials in the clear; they are never read or stored.

interface State {
  pos: [number, number];
  lines: [number, number];
  named: boolean;
  startTlsTag: string | null;
  risk: boolean;
}

const COMMANDS = ['CAPABILITY', 'NOOP', 'LOGOUT', 'STARTTLS', 'AUTHENTICATE', 'LOGIN', 'ID', 'SELECT', 'EXAMINE', 'LIST', 'LSUB', 'STATUS', 'NAMESPACE', 'ENABLE', 'IDLE', 'FETCH', 'UID', 'SEARCH', 'CREATE', 'DELETE', 'APPEND', 'CLOSE', 'EXPUNGE', 'STORE', 'COPY', 'XLIST', 'COMPRESS'];

export default defineDissector<State>({
  name: 'imap',
  protocols: [
    { name: 'IMAP', category: 'Email', kind: 'protocol', tcpPorts: [143], description: 'Internet Message Access Protocol' },
    { name: 'IMAPS', category: 'Email', kind: 'protocol', tcpPorts: [993], description: 'IMAP over TLS (implicit or STARTTLS)' },
  ],
  transports: Transport.Tcp,
  maxPackets: 12,
  zeekTlsUpgrade: 'starttls',
  fields: [
    { name: 'greeting', type: 'string', description: "the server's untagged greeting text" },
    { name: 'starttls', type: 'bool', description: 'the session was upgraded to TLS with STARTTLS' },
  ],
  probe(data, off, len, ctx) {
    if (ctx.dir === 1) return startsWithAscii(data, off, Math.min(len, 2), '* '.slice(0, Math.min(len, 2)));
    // a tag: printable atom characters, then a space
    for (let i = 0; i < Math.min(len, 24); i++) {
      const c = data[off + i]!;
      if (c === 0x20) return i > 0;
      if (c <= 0x20 || c > 0x7e || c === 0x28 || c === 0x29 || c === 0x7b || c === 0x25 || c === 0x2a || c === 0x22 || c === 0x5c) return false;
    }
    return len < 24;
  },
  createState() {
    return { pos: [0, 0], lines: [0, 0], named: false, startTlsTag: null, risk: false };
  },
  inspect(s, data, off, len, ctx) {
    const d = ctx.dir;
    for (;;) {
      const line = readLine(data, off, len, s.pos[d], 4096);
      if (line === undefined) break;
      if (line === null) return s.named ? Verdict.Done : Verdict.NotMine;
      s.pos[d] = line.next;
      const n = s.lines[d]++;
      const t = line.text;
      if (d === 1) {
        if (n === 0) {
          const m = /^\* (OK|PREAUTH|BYE)\b ?(.*)$/i.exec(t);
          if (!m) return Verdict.NotMine;
          ctx.setField('greeting', m[2]!.slice(0, 200));
          s.named = true;
          ctx.setProtocol(ctx.protocolId('IMAP'));
        } else if (s.startTlsTag !== null && t.startsWith(`${s.startTlsTag} `)) {
          if (/^\S+ OK\b/i.test(t)) {
            return continueInTls(ctx, 'starttls', 'IMAPS');
          }
          s.startTlsTag = null;
        }
      } else {
        const m = /^([^\s(){%*"\\]+) ([A-Za-z]+)/.exec(t);
        if (!m) return s.named && n > 0 ? Verdict.Continue : Verdict.NotMine;
        const cmd = m[2]!.toUpperCase();
        if (!COMMANDS.includes(cmd)) return s.named ? Verdict.Continue : Verdict.NotMine;
        if (!s.named && (cmd === 'CAPABILITY' || cmd === 'LOGIN' || cmd === 'STARTTLS' || cmd === 'AUTHENTICATE' || cmd === 'ID')) {
          s.named = true;
          ctx.setProtocol(ctx.protocolId('IMAP'));
        }
        if (cmd === 'STARTTLS') s.startTlsTag = m[1]!;
        else if ((cmd === 'LOGIN' || /^\S+ AUTHENTICATE (PLAIN|LOGIN)/i.test(t)) && !s.risk) {
          s.risk = true;
          ctx.addRisk('clear_text_credentials', 'IMAP login without TLS');
        } else if (cmd === 'SELECT' || cmd === 'EXAMINE' || cmd === 'FETCH' || cmd === 'LOGOUT') {
          if (s.named) return Verdict.Done;
        }
      }
    }
    return Verdict.Continue;
  },
});
