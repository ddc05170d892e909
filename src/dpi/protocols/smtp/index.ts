import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { isHostName, readLine, startsWithAsciiCI } from '../../helpers/text.js';
import { continueInTls } from '../../helpers/starttls.js';

// SMTP (RFC 5321): the server greets with "220 domain …", the client says EHLO/HELO. STARTTLS
// (RFC 3207) answered by 220 upgrades the session to TLS (nDPI then names it SMTPS). AUTH PLAIN
// or LOGIN (RFC 4954) before STARTTLS sends credentials in the clear. Addresses and message
// bodies are never read.

interface State {
  pos: [number, number];
  /** lines seen per direction */
  lines: [number, number];
  greeted: boolean;
  ehlo: boolean;
  startTlsAsked: boolean;
  tls: boolean;
  auth: boolean;
}

const CLIENT_VERBS = ['EHLO', 'HELO', 'MAIL', 'RCPT', 'DATA', 'RSET', 'NOOP', 'QUIT', 'VRFY', 'AUTH', 'STARTTLS', 'BDAT', 'HELP', 'EXPN'];

export function isSmtpReply(line: string): boolean {
  return /^[2-5]\d\d([ -]|$)/.test(line);
}

export default defineDissector<State>({
  name: 'smtp',
  protocols: [
    { name: 'SMTP', category: 'Email', kind: 'protocol', tcpPorts: [25, 587, 2525], description: 'Simple Mail Transfer Protocol' },
    { name: 'SMTPS', category: 'Email', kind: 'protocol', tcpPorts: [465], description: 'SMTP over TLS (implicit or STARTTLS)' },
  ],
  transports: Transport.Tcp,
  firstBytes: [0x32, 0x35, 0x45, 0x48, 0x65, 0x68], // '2' '5' (greeting), EHLO/HELO when the greeting was missed
  maxPackets: 14,
  zeekTlsUpgrade: 'starttls',
  fields: [
    { name: 'greeting', type: 'string', description: "the server's 220 greeting line (domain and software)" },
    { name: 'starttls', type: 'bool', description: 'the session was upgraded to TLS with STARTTLS' },
  ],
  probe(data, off, len, ctx) {
    if (ctx.dir === 1) return len >= 1 && (data[off] === 0x32 || data[off] === 0x35);
    return startsWithAsciiCI(data, off, len, 'EHLO'.slice(0, Math.min(len, 4))) || startsWithAsciiCI(data, off, len, 'HELO'.slice(0, Math.min(len, 4)));
  },
  createState() {
    return { pos: [0, 0], lines: [0, 0], greeted: false, ehlo: false, startTlsAsked: false, tls: false, auth: false };
  },
  inspect(s, data, off, len, ctx) {
    const d = ctx.dir;
    for (;;) {
      if (s.tls) break;
      const line = readLine(data, off, len, s.pos[d], 2048);
      if (line === undefined) break;
      if (line === null) return s.greeted || s.ehlo ? Verdict.Done : Verdict.NotMine;
      s.pos[d] = line.next;
      const n = s.lines[d]++;
      const t = line.text;
      if (d === 1) {
        if (!isSmtpReply(t)) return s.greeted ? Verdict.Done : Verdict.NotMine;
        if (n === 0) {
          if (!t.startsWith('220')) return Verdict.NotMine;
          // "220" also opens FTP: decide on the greeting only when it names SMTP
          if (/SMTP|\bmail\b|Postfix|Exim|Sendmail/i.test(t) && !/FTP/i.test(t)) {
            s.greeted = true;
            ctx.setProtocol(ctx.protocolId('SMTP'));
          }
          ctx.setField('greeting', t.slice(4, 200));
          // the greeting opens with the server's own name (RFC 5321 §4.2): the flow's host name
          const server = t.slice(4).split(' ', 1)[0]!;
          if (isHostName(server)) ctx.setHostname(server);
          s.greeted ||= s.ehlo;
        } else if (s.startTlsAsked && t.startsWith('220')) {
          s.tls = true;
          return continueInTls(ctx, 'starttls', 'SMTPS');
        }
      } else {
        const verb = t.split(' ', 1)[0]!.toUpperCase();
        if (n === 0 && !CLIENT_VERBS.includes(verb)) return Verdict.NotMine;
        if (verb === 'EHLO' || verb === 'HELO') {
          s.ehlo = true;
          s.greeted = true;
          ctx.setProtocol(ctx.protocolId('SMTP'));
        } else if (verb === 'STARTTLS') {
          s.startTlsAsked = true;
        } else if (verb === 'AUTH' && /^AUTH (PLAIN|LOGIN)/i.test(t) && !s.auth) {
          s.auth = true;
          ctx.addRisk('clear_text_credentials', 'SMTP AUTH without TLS');
        } else if (verb === 'MAIL' || verb === 'DATA' || verb === 'QUIT') {
          // the envelope has started: nothing more of interest
          if (s.greeted) return Verdict.Done;
        }
      }
    }
    return Verdict.Continue;
  },
});
