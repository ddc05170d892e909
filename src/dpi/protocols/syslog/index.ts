import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// Syslog (RFC 5424, BSD format RFC 3164; over TCP RFC 6587): a message starts with "<PRI>",
// PRI = facility × 8 + severity (0..191, no leading zeros), then "1 " and an ISO timestamp
// (5424) or a "Mmm dd hh:mm:ss" timestamp (3164) or, from older senders, any text. Over TCP a
// message may be prefixed by its length ("octet counting"). The message text is never output.

interface State {
  done: boolean;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** facility, severity and format of the message at data[off..], or null */
export function parseSyslog(d: Uint8Array, off: number, len: number): { pri: number; format: string } | null {
  let p = off;
  const end = off + Math.min(len, 64);
  // octet counting: digits then a space
  if (d[p]! >= 0x31 && d[p]! <= 0x39) {
    let n = 0;
    while (p < end && d[p]! >= 0x30 && d[p]! <= 0x39 && n < 6) {
      p++;
      n++;
    }
    if (p >= end || d[p] !== 0x20) return null;
    p++;
  }
  if (d[p] !== 0x3c) return null;
  p++;
  let pri = 0;
  const start = p;
  while (p < end && d[p]! >= 0x30 && d[p]! <= 0x39 && p - start < 3) pri = pri * 10 + d[p++]! - 0x30;
  if (p === start || d[p] !== 0x3e || pri > 191 || (d[start] === 0x30 && p - start > 1)) return null;
  p++;
  if (p >= end) return null;
  const rest = String.fromCharCode(...d.subarray(p, Math.min(end, p + 20)));
  if (/^[1-9]\d{0,2} (\d{4}-\d\d-\d\dT|- )/.test(rest)) return { pri, format: 'rfc5424' };
  if (MONTHS.includes(rest.slice(0, 3)) && /^... [ \d]\d \d\d:\d\d:\d\d/.test(rest)) return { pri, format: 'rfc3164' };
  // free text: printable
  for (let i = p; i < end; i++) {
    const c = d[i]!;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return null;
  }
  return { pri, format: 'other' };
}

export default defineDissector<State>({
  name: 'syslog',
  protocols: [{ name: 'Syslog', category: 'System', kind: 'protocol', tcpPorts: [601, 6514], udpPorts: [514], description: 'System logging protocol' }],
  transports: Transport.Tcp | Transport.Udp,
  firstBytes: [0x3c, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39],
  maxPackets: 2,
  fields: [
    { name: 'facility', type: 'int', description: 'syslog facility (0–23)' },
    { name: 'severity', type: 'int', description: 'syslog severity (0 emergency … 7 debug)' },
    { name: 'format', type: 'string', description: 'rfc5424, rfc3164 or other' },
  ],
  probe(d, off, len) {
    return len >= 4 && parseSyslog(d, off, len) !== null;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    const m = parseSyslog(d, off, len);
    if (!m) return Verdict.NotMine;
    // free-text messages only where syslog is expected
    if (m.format === 'other' && ctx.serverPort !== 514 && ctx.serverPort !== 601) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Syslog'));
    ctx.setField('facility', m.pri >> 3);
    ctx.setField('severity', m.pri & 7);
    ctx.setField('format', m.format);
    return Verdict.Done;
  },
});
