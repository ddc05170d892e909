import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { readLine, startsWithAscii, startsWithAsciiCI } from '../../helpers/text.js';
import { continueInTls } from '../../helpers/starttls.js';

// POP3 (RFC 1939): the server greets with "+OK", the client sends four-letter commands. STLS
// (RFC 2595) answered by +OK upgrades the session to TLS (named POPS, like nDPI). USER/PASS or
// AUTH PLAIN/LOGIN before that send credentials in the clear; they are never read or stored.

interface State {
  pos: [number, number];
  lines: [number, number];
  named: boolean;
  stls: boolean;
  risk: boolean;
}

const COMMANDS = ['USER', 'PASS', 'APOP', 'AUTH', 'STLS', 'CAPA', 'STAT', 'LIST', 'RETR', 'DELE', 'NOOP', 'RSET', 'QUIT', 'TOP', 'UIDL', 'UTF8'];

export default defineDissector<State>({
  name: 'pop3',
  protocols: [
    { name: 'POP3', category: 'Email', kind: 'protocol', tcpPorts: [110], description: 'Post Office Protocol 3' },
    { name: 'POP3S', ndpi: 'POPS', category: 'Email', kind: 'protocol', tcpPorts: [995], description: 'POP3 over TLS (implicit or STLS)' },
  ],
  transports: Transport.Tcp,
  firstBytes: [0x2b, ...[...'UCAS'].flatMap((c) => [c.charCodeAt(0), c.charCodeAt(0) + 0x20])],
  maxPackets: 12,
  zeekTlsUpgrade: 'starttls',
  fields: [
    { name: 'greeting', type: 'string', description: "the server's +OK greeting text" },
    { name: 'starttls', type: 'bool', description: 'the session was upgraded to TLS with STLS' },
  ],
  probe(data, off, len, ctx) {
    if (ctx.dir === 1) return startsWithAscii(data, off, Math.min(len, 3), '+OK'.slice(0, Math.min(len, 3)));
    return len >= 4 && COMMANDS.some((c) => startsWithAsciiCI(data, off, len, c));
  },
  createState() {
    return { pos: [0, 0], lines: [0, 0], named: false, stls: false, risk: false };
  },
  inspect(s, data, off, len, ctx) {
    const d = ctx.dir;
    for (;;) {
      const line = readLine(data, off, len, s.pos[d], 1024);
      if (line === undefined) break;
      if (line === null) return s.named ? Verdict.Done : Verdict.NotMine;
      s.pos[d] = line.next;
      const n = s.lines[d]++;
      const t = line.text;
      if (d === 1) {
        if (n === 0) {
          if (!/^\+OK( |$)/.test(t)) return Verdict.NotMine;
          ctx.setField('greeting', t.slice(4, 200));
          s.named = true;
          ctx.setProtocol(ctx.protocolId('POP3'));
        } else if (s.stls && t.startsWith('+OK')) {
          return continueInTls(ctx, 'starttls', 'POP3S');
        }
      } else {
        const verb = t.split(' ', 1)[0]!.toUpperCase();
        if (!COMMANDS.includes(verb)) return s.named && n > 0 ? Verdict.Continue : Verdict.NotMine;
        if (n === 0 && !s.named && s.lines[1] === 0 && (verb === 'USER' || verb === 'CAPA' || verb === 'STLS' || verb === 'APOP')) {
          s.named = true;
          ctx.setProtocol(ctx.protocolId('POP3'));
        }
        if (verb === 'STLS') s.stls = true;
        else if ((verb === 'PASS' || verb === 'APOP' || /^AUTH (PLAIN|LOGIN)/i.test(t)) && !s.risk) {
          s.risk = true;
          if (verb !== 'APOP') ctx.addRisk('clear_text_credentials', 'POP3 login without TLS');
        } else if (verb === 'RETR' || verb === 'QUIT' || verb === 'LIST' || verb === 'STAT') {
          if (s.named) return Verdict.Done;
        }
      }
    }
    return Verdict.Continue;
  },
});
