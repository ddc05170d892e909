import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { readLine } from '../../helpers/text.js';

// RTSP 1.0 (RFC 2326 §6.1, §7.1) and 2.0 (RFC 7826 §8): a request line "METHOD SP rtsp-URI SP
// RTSP/1.0" (or "*" as target for OPTIONS) or a status line "RTSP/1.0 SP 3DIGIT SP reason", then
// header lines as in HTTP. Only the method and the client's User-Agent (software) are kept: no
// URLs, no session ids, no credentials.

interface State {
  done: [boolean, boolean];
  named: boolean;
}

const METHODS = new Set([
  'OPTIONS', 'DESCRIBE', 'ANNOUNCE', 'SETUP', 'PLAY', 'PAUSE', 'TEARDOWN', 'GET_PARAMETER', 'SET_PARAMETER',
  'REDIRECT', 'RECORD', 'PLAY_NOTIFY',
]);
/** first letters of the methods and of "RTSP/" */
const FIRST = [...new Set([...METHODS].map((m) => m.charCodeAt(0)).concat(0x52))];
const REQUEST = /^([A-Z_]{3,13}) (\*|rtsps?u?:\/\/\S+) RTSP\/(1\.0|2\.0)$/i;
const STATUS = /^RTSP\/(1\.0|2\.0) [1-5]\d\d(?: .*)?$/;

/** 'request' or 'response' with the method, null when not RTSP, undefined: line incomplete */
export function rtspStartLine(d: Uint8Array, off: number, len: number): { method: string | null } | null | undefined {
  const l = readLine(d, off, len, 0, 2048);
  if (l === undefined) return len > 2048 ? null : undefined;
  if (l === null) return null;
  const st = STATUS.exec(l.text);
  if (st) return { method: null };
  const m = REQUEST.exec(l.text);
  if (!m || !METHODS.has(m[1]!)) return null;
  if (m[2] === '*' && m[1] !== 'OPTIONS' && m[1] !== 'GET_PARAMETER' && m[1] !== 'SET_PARAMETER') return null;
  return { method: m[1]! };
}

export default defineDissector<State>({
  name: 'rtsp',
  protocols: [{ name: 'RTSP', category: 'Media', kind: 'protocol', tcpPorts: [554, 8554], description: 'Real Time Streaming Protocol (stream control)' }],
  transports: Transport.Tcp,
  firstBytes: FIRST,
  maxPackets: 4,
  fields: [
    { name: 'method', type: 'string', description: 'the first request method (OPTIONS, DESCRIBE, SETUP…)' },
    { name: 'user_agent', type: 'string', description: "the client's User-Agent header (software name)", privacy: 'identifying' },
  ],
  probe(d, off, len) {
    return len > 0 && FIRST.includes(d[off]!);
  },
  createState() {
    return { done: [false, false], named: false };
  },
  inspect(s, d, off, len, ctx) {
    const dir = ctx.dir;
    if (s.done[dir]) return Verdict.Continue;
    if (ctx.gap) return s.named ? Verdict.Done : Verdict.NotMine;
    const r = rtspStartLine(d, off, len);
    if (r === undefined) return Verdict.Continue;
    if (r === null) return s.named ? Verdict.Done : Verdict.NotMine;
    s.done[dir] = true;
    if (!s.named) {
      s.named = true;
      ctx.setProtocol(ctx.protocolId('RTSP'));
    }
    if (r.method !== null) {
      ctx.setField('method', r.method);
      // the User-Agent header, when the head is complete in this segment
      for (let pos = readLine(d, off, len, 0, 2048)!.next, n = 0; n < 30; n++) {
        const h = readLine(d, off, len, pos, 1024);
        if (!h || h.text === '') break;
        const m = /^user-agent:\s*(.{1,200})$/i.exec(h.text);
        if (m) {
          ctx.setField('user_agent', m[1]!.trim());
          break;
        }
        pos = h.next;
      }
    }
    return s.done[0] && s.done[1] ? Verdict.Done : Verdict.Continue;
  },
});
