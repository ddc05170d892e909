import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { readLine } from '../../helpers/text.js';
import { continueInTls } from '../../helpers/starttls.js';

// FTP control channel (RFC 959): the server greets with "220 …", the client sends commands of
// three or four letters. USER then PASS send a password in the clear (it is never read or
// stored); AUTH TLS/SSL answered by 234 (RFC 4217) upgrades the channel to TLS (named FTPS).

interface State {
  pos: [number, number];
  lines: [number, number];
  named: boolean;
  authTls: boolean;
  user: boolean;
  risk: boolean;
}

const COMMANDS = ['USER', 'PASS', 'ACCT', 'AUTH', 'FEAT', 'SYST', 'OPTS', 'PWD', 'XPWD', 'CWD', 'CDUP', 'TYPE', 'PASV', 'EPSV', 'PORT', 'EPRT', 'LIST', 'NLST', 'RETR', 'STOR', 'SIZE', 'MDTM', 'QUIT', 'NOOP', 'HELP', 'STAT', 'PBSZ', 'PROT', 'HOST', 'CLNT', 'MLSD', 'MLST', 'REST', 'DELE', 'MKD', 'RMD', 'RNFR', 'RNTO', 'SITE', 'ABOR', 'ALLO', 'APPE', 'STOU', 'MODE', 'STRU', 'REIN', 'SMNT', 'LANG'];
/** commands only FTP has (SMTP, POP3 and IMAP share a few of the others) */
const DECISIVE = ['USER', 'AUTH', 'FEAT', 'SYST', 'PWD', 'CWD', 'TYPE', 'PASV', 'EPSV', 'PORT', 'EPRT', 'OPTS', 'HOST', 'CLNT'];

export default defineDissector<State>({
  name: 'ftp',
  protocols: [
    { name: 'FTP', ndpi: 'FTP_CONTROL', category: 'Download', kind: 'protocol', tcpPorts: [21], description: 'File Transfer Protocol (control channel)' },
    { name: 'FTPS', category: 'Download', kind: 'protocol', tcpPorts: [990], description: 'FTP control channel over TLS' },
  ],
  transports: Transport.Tcp,
  maxPackets: 12,
  zeekTlsUpgrade: 'auth_tls',
  fields: [
    { name: 'greeting', type: 'string', description: "the server's 220 greeting text" },
    { name: 'auth_tls', type: 'bool', description: 'the control channel was upgraded to TLS (AUTH TLS)' },
  ],
  probe(data, off, len, ctx) {
    if (len < 1) return false;
    if (ctx.dir === 1) return data[off] === 0x31 || data[off] === 0x32; // 1xx / 220
    const c = data[off]! | 0x20;
    return c >= 0x61 && c <= 0x7a;
  },
  createState() {
    return { pos: [0, 0], lines: [0, 0], named: false, authTls: false, user: false, risk: false };
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
        if (!/^\d{3}([ -]|$)/.test(t)) {
          if (n > 0 && /^ /.test(t)) continue; // continuation of a multi-line reply
          return s.named ? Verdict.Done : Verdict.NotMine;
        }
        if (n === 0) {
          if (!t.startsWith('220') && !t.startsWith('120')) return Verdict.NotMine;
          ctx.setField('greeting', t.slice(4, 200));
          if (/FTP/i.test(t) && !/SMTP/i.test(t)) {
            s.named = true;
            ctx.setProtocol(ctx.protocolId('FTP'));
          }
        } else if (s.authTls && t.startsWith('234')) {
          return continueInTls(ctx, 'auth_tls', 'FTPS');
        }
      } else {
        const verb = t.split(' ', 1)[0]!.toUpperCase();
        if (!COMMANDS.includes(verb)) return s.named && n > 0 ? Verdict.Continue : Verdict.NotMine;
        if (!s.named && DECISIVE.includes(verb)) {
          s.named = true;
          ctx.setProtocol(ctx.protocolId('FTP'));
        }
        if (verb === 'AUTH' && /^AUTH (TLS|SSL)/i.test(t)) s.authTls = true;
        else if (verb === 'USER') s.user = true;
        else if (verb === 'PASS' && s.user && !s.risk) {
          s.risk = true;
          ctx.addRisk('clear_text_credentials', 'FTP login without TLS');
          return Verdict.Done;
        }
      }
    }
    return Verdict.Continue;
  },
});
