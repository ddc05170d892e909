import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { readLine, startsWithAscii } from '../../helpers/text.js';

// rsync daemon protocol (rsync's csprotocol.txt; rsync(1) "CONNECTING TO AN RSYNC DAEMON";
// rsyncd.conf(5)): over TCP 873 each side sends one greeting line
// "@RSYNCD: <protocol>[.<subprotocol>][ <digest>...]\n" (the subprotocol is there from protocol
// 30 on, the digest names from rsync 3.2.7 on), then the daemon may add a message of the day and
// the client names a module or asks for "#list". Both greetings are the same shape and either may
// be the first payload a capture holds, so each direction is read alone. Module names, the MOTD
// and the AUTHREQD challenge and response are never read into fields: only the protocol numbers.

interface State {
  /** the greeting of each direction was read (valid) */
  greeted: [boolean, boolean];
  named: boolean;
}

const GREETING_PREFIX = '@RSYNCD: ';
// the protocol numbers current rsync agrees to speak with a peer (its MIN and MAX protocol
// version); anything outside is no rsync this dissector knows of
const MIN_PROTOCOL = 20;
const MAX_PROTOCOL = 40;
// version, optional ".sub", then optional digest names (e.g. "sha512 sha256 sha1 md5 md4"); some
// builds leave a trailing space
const GREETING = /^@RSYNCD: (\d{1,3})(?:\.(\d{1,3}))?((?: [a-z][a-z0-9_-]{0,31})*) ?$/;

function prefixMatches(d: Uint8Array, off: number, len: number): boolean {
  const n = Math.min(len, GREETING_PREFIX.length);
  return startsWithAscii(d, off, n, GREETING_PREFIX.slice(0, n));
}

export default defineDissector<State>({
  name: 'rsync',
  protocols: [{ name: 'rsync', ndpi: 'RSYNC', category: 'DataTransfer', kind: 'protocol', tcpPorts: [873], description: 'rsync daemon protocol (rsync://)' }],
  transports: Transport.Tcp,
  firstBytes: [0x40],
  maxPackets: 8,
  fields: [
    { name: 'server_protocol', type: 'string', description: "the protocol version in the daemon's @RSYNCD greeting, e.g. 31.0" },
    { name: 'client_protocol', type: 'string', description: "the protocol version in the client's @RSYNCD greeting" },
  ],
  probe(d, off, len) {
    return prefixMatches(d, off, len);
  },
  createState() {
    return { greeted: [false, false], named: false };
  },
  inspect(s, d, off, len, ctx) {
    const dir = ctx.dir;
    if (s.greeted[dir]) return Verdict.Continue;
    if (!prefixMatches(d, off, len)) return s.named ? Verdict.Done : Verdict.NotMine;
    // the line is short: version, sub-version and a handful of digest names
    const line = readLine(d, off, len, 0, 200);
    if (line === undefined) return Verdict.Continue;
    if (line === null) return s.named ? Verdict.Done : Verdict.NotMine;
    const m = GREETING.exec(line.text);
    if (!m) return s.named ? Verdict.Done : Verdict.NotMine;
    const major = Number(m[1]);
    if (major < MIN_PROTOCOL || major > MAX_PROTOCOL) return s.named ? Verdict.Done : Verdict.NotMine;
    // protocol 30 and later must carry the sub-version (csprotocol.txt calls its absence fatal)
    if (major >= 30 && m[2] === undefined) return s.named ? Verdict.Done : Verdict.NotMine;
    s.greeted[dir] = true;
    ctx.setField(dir === 1 ? 'server_protocol' : 'client_protocol', `${major}.${m[2] === undefined ? 0 : Number(m[2])}`);
    if (!s.named) {
      s.named = true;
      ctx.setProtocol(ctx.protocolId('rsync'));
    }
    // the other side's greeting, when it follows, gives its version too
    return s.greeted[0] && s.greeted[1] ? Verdict.Done : Verdict.Continue;
  },
});
