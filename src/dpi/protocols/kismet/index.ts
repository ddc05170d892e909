import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { latin1 } from '../../helpers/text.js';

// Kismet's client/server protocol (Kismet "DEVEL.client", Client/Server Protocol; the classic
// Kismet of 2005-2016, TCP 2501). Line based. The server speaks first, with
//   *KISMET: {version} {start time} \001{server name}\001 {build revision} …
// then "*PROTOCOLS: {comma-separated list of the sentences it can send}", and sends
// "*{HEADER}: {data}" sentences from then on (fields holding spaces are wrapped in \001).
// Clients send "!{id} {COMMAND} {options}" commands: ENABLE, REMOVE, CAPABILITY (id 0 asks for
// no *ACK). The HTTP/REST API of Kismet 2019 and later on the same port is HTTP, not this.
// Output: the server's version and build revision; never the server name.

const PORT = 2501;
const MAX_LINE = 4096;

/** the *KISMET line: version, start time (UNIX seconds), \001name\001, build revision */
const KISMET_LINE = /^\*KISMET: (\S{1,32}) (\d{1,12}) \x01[^\x01\r\n]{0,128}\x01 (\S{1,32})(?: .*)?$/;
/** a *PROTOCOLS line lists sentence names, KISMET among them */
const PROTOCOLS_LINE = /^\*PROTOCOLS: ([A-Z_]{2,32}(?:,[A-Z_]{2,32})*)$/;
const COMMAND_LINE = /^!(\d{1,20}) (ENABLE|REMOVE|CAPABILITY)(?: [\x20-\x7e]*)?$/;

const SERVER_START = '*KISMET: ';
const PROTOCOLS_START = '*PROTOCOLS: ';

/** the first line of d[off..off+len) (without CR LF), undefined while it has no line feed, null when it cannot be one */
function firstLine(d: Uint8Array, off: number, len: number): string | null | undefined {
  const end = off + Math.min(len, MAX_LINE);
  for (let i = off; i < end; i++) {
    const c = d[i]!;
    if (c === 0x0a) return latin1(d, off, i > off && d[i - 1] === 0x0d ? i - 1 : i);
    // \001 wraps fields holding spaces; other control bytes are never in a line
    if ((c < 0x20 && c !== 0x01 && c !== 0x0d && c !== 0x09) || c > 0x7e) return null;
  }
  return len >= MAX_LINE ? null : undefined;
}

/** could the line still become one of ours? */
function plausiblePrefix(text: string, dir: 0 | 1): boolean {
  if (dir === 1) {
    const a = SERVER_START.slice(0, text.length);
    const b = PROTOCOLS_START.slice(0, text.length);
    return text.startsWith(SERVER_START) || text.startsWith(PROTOCOLS_START) || text === a || text === b;
  }
  return /^!(\d{1,20}( [A-Z]{0,10}( .*)?)?)?$/.test(text);
}

interface State {
  done: boolean;
}

export default defineDissector<State>({
  name: 'kismet',
  protocols: [{ name: 'Kismet', category: 'Network', kind: 'protocol', tcpPorts: [PORT], description: 'Kismet wireless sniffer client/server protocol' }],
  transports: Transport.Tcp,
  firstBytes: [0x2a, 0x21],
  // a greeting split into small segments still completes within these
  maxPackets: 24,
  fields: [
    { name: 'version', type: 'string', description: "the server's version from its *KISMET line" },
    { name: 'build', type: 'string', description: "the server's build revision from its *KISMET line" },
  ],
  probe(d, off, len, ctx) {
    return ctx.dir === 1 ? d[off] === 0x2a && (len < 2 || d[off + 1] === 0x4b || d[off + 1] === 0x50) : d[off] === 0x21 && (len < 2 || (d[off + 1]! >= 0x30 && d[off + 1]! <= 0x39));
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.gap) return Verdict.NotMine;
    const line = firstLine(d, off, len);
    if (line === null) return Verdict.NotMine;
    if (line === undefined) return plausiblePrefix(latin1(d, off, off + len), ctx.dir) ? Verdict.Continue : Verdict.NotMine;
    if (ctx.dir === 1) {
      const k = KISMET_LINE.exec(line);
      if (k) {
        ctx.setProtocol(ctx.protocolId('Kismet'));
        ctx.setField('version', k[1]);
        ctx.setField('build', k[3]);
        return Verdict.Done;
      }
      const p = PROTOCOLS_LINE.exec(line);
      if (!p || !p[1]!.split(',').includes('KISMET')) return Verdict.NotMine;
    } else if (!COMMAND_LINE.test(line)) {
      return Verdict.NotMine;
    }
    ctx.setProtocol(ctx.protocolId('Kismet'));
    return Verdict.Done;
  },
});
