import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { latin1 } from '../../helpers/text.js';

// Automatic tank gauges speaking the Veeder-Root serial interface protocol (Veeder-Root "Serial
// Interface Manual" for the TLS-300/350 and TLS2/TLS-4xx consoles: §5 command message format,
// §6 response message format), here carried over TCP (10001, the consoles' and gateways'
// serial-over-IP port).
// A command is SOH (0x01), an optional 6-character RS-232 security code, then the function
// code: a command type letter (I inquire / S set in "display" format, i / s in "computer"
// format), the 3-digit function number and a 2-digit device (tank) number, 00 for all; a set
// command's data may follow. A display-format reply is SOH, CR LF, the echoed function code,
// CR LF, the report text and ETX (0x03); a computer-format reply is SOH, the echoed code, the
// data, "&&", a 4-hex-digit checksum and ETX, the checksum making the 16-bit sum of every
// character from SOH through "&&" zero. A function the console does not know is answered
// SOH "9999" (computer format: with its checksum "FF1B") ETX.
// Output: the function number and the command type and format of the first message; never
// the security code.

const SOH = 0x01;
const ETX = 0x03;
/** SOH + a 6-character security code + the 6-character function code */
const LONGEST_CODE = 13;
/** a console's report is long: the ETX is looked for within this much of the reply */
const MAX_REPLY = 16384;

const CODE = /^([IiSs])([1-9]\d\d)(\d\d)/;

export interface AtgMessage {
  type: 'inquire' | 'set';
  format: 'display' | 'computer';
  func: string;
}

function code(text: string, at: number): AtgMessage | null {
  const m = CODE.exec(text.slice(at, at + 6));
  if (!m) return null;
  const letter = m[1]!;
  return { type: letter === 'I' || letter === 'i' ? 'inquire' : 'set', format: letter === 'I' || letter === 'S' ? 'display' : 'computer', func: m[2]! };
}

const printable = (c: number): boolean => c >= 0x20 && c <= 0x7e;

/** command (client → console): the function code, null when it is not one, undefined while too short */
export function parseCommand(d: Uint8Array, off: number, len: number): AtgMessage | null | undefined {
  if (d[off] !== SOH) return null;
  // what follows the function code (data, CR LF) is not looked at
  const short = Math.min(len, 7);
  for (let i = 1; i < short; i++) if (!printable(d[off + i]!)) return null;
  if (len < 7) return undefined;
  const plain = code(latin1(d, off + 1, off + 7), 0);
  if (plain) return plain;
  const n = Math.min(len, LONGEST_CODE);
  for (let i = 7; i < n; i++) if (!printable(d[off + i]!)) return null;
  const text = latin1(d, off, off + n);
  // behind a security code (any 6 printable characters)
  if (len < LONGEST_CODE) return /^\x01[\x20-\x7e]{6}[IiSs]?\d{0,5}$/.test(text) || text.length < 8 ? undefined : null;
  return code(text, 7);
}

/** the computer-format checksum: the 16-bit sum of SOH..'&&' plus the checksum is zero (9999 has no '&&') */
function checksumHolds(d: Uint8Array, off: number, etx: number, ampersands = true): boolean {
  const c = etx - 4;
  if (c < off + 3 || (ampersands && (d[c - 1] !== 0x26 || d[c - 2] !== 0x26))) return false;
  const hex = latin1(d, c, etx);
  if (!/^[0-9A-Fa-f]{4}$/.test(hex)) return false;
  let sum = 0;
  for (let i = off; i < c; i++) sum += d[i]!;
  return ((sum + parseInt(hex, 16)) & 0xffff) === 0;
}

/** reply (console → client); undefined while more is needed */
export function parseReply(d: Uint8Array, off: number, len: number): AtgMessage | 'unknown_function' | null | undefined {
  if (d[off] !== SOH) return null;
  if (len < 2) return undefined;
  if (d[off + 1] === 0x0d) {
    // display format: SOH CR LF code CR LF
    if (len < 3) return undefined;
    if (d[off + 2] !== 0x0a) return null;
    if (len < 9) return /^\x01\r\n[IS]?\d{0,5}$/.test(latin1(d, off, off + len)) ? undefined : null;
    const m = code(latin1(d, off + 3, off + 9), 0);
    return m && m.format === 'display' ? m : null;
  }
  // computer format (or 9999): printable up to "&&CCCC" ETX, which must come and check
  const end = off + Math.min(len, MAX_REPLY);
  for (let i = off + 1; i < end; i++) {
    const c = d[i]!;
    if (c === ETX) {
      const text = latin1(d, off + 1, Math.min(i, off + 7));
      if (text.startsWith('9999')) return i === off + 5 || (i === off + 9 && checksumHolds(d, off, i, false)) ? 'unknown_function' : null;
      const m = code(text, 0);
      return m && m.format === 'computer' && checksumHolds(d, off, i) ? m : null;
    }
    if (!printable(c) && c !== 0x0d && c !== 0x0a) return null;
  }
  if (len >= MAX_REPLY) return null;
  const head = latin1(d, off + 1, off + Math.min(len, 7));
  return /^9{0,4}$/.test(head) || /^[is]\d{0,5}$/.test(head) || (head.length === 6 && code(head, 0)?.format === 'computer') ? undefined : null;
}

interface State {
  done: boolean;
}

export default defineDissector<State>({
  name: 'atg',
  protocols: [{ name: 'ATG', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [10001], description: 'Automatic tank gauge (Veeder-Root TLS serial interface protocol over TCP)' }],
  transports: Transport.Tcp,
  firstBytes: [SOH],
  maxPackets: 8,
  fields: [
    { name: 'function', type: 'string', description: "the function number of the first command or reply, e.g. '201' (in-tank inventory), or 'unknown_function' for the console's 9999 answer" },
    { name: 'command_type', type: 'string', description: "'inquire' or 'set'" },
    { name: 'format', type: 'string', description: "'display' (report text) or 'computer' (data with checksum)" },
  ],
  probe(d, off) {
    return d[off] === SOH;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.gap) return Verdict.NotMine;
    const m = ctx.dir === 0 ? parseCommand(d, off, len) : parseReply(d, off, len);
    if (m === undefined) return Verdict.Continue;
    if (m === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('ATG'));
    if (m === 'unknown_function') {
      ctx.setField('function', 'unknown_function');
    } else {
      ctx.setField('function', m.func);
      ctx.setField('command_type', m.type);
      ctx.setField('format', m.format);
    }
    return Verdict.Done;
  },
});
