import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// BSD remote shell (rshd(8); RFC 1282 describes its rlogin sibling): the client connects to TCP
// 514 from a privileged port (512-1023) and sends four NUL-terminated strings — the port of its
// stderr channel in decimal (empty when there is none), the client's user name, the server's user
// name, and the command. The server answers one byte: 0 when it runs the command, 1 followed by an
// error message otherwise. The command itself is not kept.

const MAX_FIELD = 256;

/** end of a NUL-terminated printable string starting at p (index after the NUL), or -1 */
function field(d: Uint8Array, p: number, end: number, digitsOnly: boolean, allowEmpty: boolean): number {
  const start = p;
  while (p < end && p - start <= MAX_FIELD) {
    const b = d[p]!;
    if (b === 0) return p > start || allowEmpty ? p + 1 : -1;
    if (digitsOnly ? b < 0x30 || b > 0x39 : b < 0x20 || b > 0x7e) return -1;
    p++;
  }
  return p >= end ? -2 : -1;
}

/**
 * Reads the request's NUL-terminated strings in this segment, after `done` of them were read in
 * earlier ones (rcmd(3) writes the stderr port on its own, then the rest): the count read so far,
 * or -1 when the bytes are not an rsh request. A segment must end on a string's end.
 */
export function rshFields(d: Uint8Array, off: number, len: number, done: number): number {
  const end = off + len;
  let p = off;
  let n = done;
  while (p < end && n < 4) {
    const next = field(d, p, end, n === 0, n === 0);
    if (next < 0 || (n === 0 && next - p > 6)) return -1;
    p = next;
    n++;
  }
  return p === end ? n : -1;
}

interface State {
  fields: number;
  segments: number;
}

export default defineDissector<State>({
  name: 'rsh',
  protocols: [{ name: 'RSH', category: 'RemoteAccess', kind: 'protocol', tcpPorts: [514], description: 'BSD remote shell (rsh)' }],
  transports: Transport.Tcp,
  firstBytes: [0x00, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39],
  maxPackets: 3,
  probe(_d, _off, _len, ctx) {
    return ctx.dir === 0 && ctx.serverPort === 514 && ctx.clientPort >= 512 && ctx.clientPort <= 1023;
  },
  createState() {
    return { fields: 0, segments: 0 };
  },
  inspect(s, d, off, len, ctx) {
    if (ctx.dir !== 0) return s.fields > 0 ? Verdict.Continue : Verdict.NotMine;
    s.segments++;
    // a later segment is read as the strings that follow, or as the request from its start
    // when the stream hands the bytes again with the new ones
    const n = Math.max(s.fields > 0 ? rshFields(d, off, len, s.fields) : -1, rshFields(d, off, len, 0));
    if (n < 0) return Verdict.NotMine;
    s.fields = n;
    if (n < 4) return s.segments < 3 ? Verdict.Continue : Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('RSH'));
    return Verdict.Done;
  },
});
