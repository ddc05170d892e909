import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// AJP13, the Apache JServ Protocol (Tomcat "AJPv13" documentation): packets from the web server
// to the container start 0x12 0x34, those back start 'A' 'B'; then a 16-bit big-endian data
// length and the data, whose first byte is the prefix code — to the container 2 Forward
// Request, 7 Shutdown, 8 Ping, 10 CPing; back 3 Send Body Chunk, 4 Send Headers, 5 End
// Response, 6 Get Body Chunk, 9 CPong Reply. A Forward Request carries a method code (1–28)
// and the protocol string ("HTTP/1.1"). A flow is named by a Forward Request, or by a packet
// of each direction. No URLs, headers or attributes are output.

interface State {
  ok: [boolean, boolean];
}

const TO_CONTAINER = new Set([2, 7, 8, 10]);
const FROM_CONTAINER = new Set([3, 4, 5, 6, 9]);

/** the prefix code of the first packet of a direction: null when not AJP, undefined: too short */
export function ajpPacket(d: Uint8Array, off: number, len: number, dir: 0 | 1): number | null | undefined {
  if (len < 2) return undefined;
  if (dir === 0 ? d[off] !== 0x12 || d[off + 1] !== 0x34 : d[off] !== 0x41 || d[off + 1] !== 0x42) return null;
  if (len < 5) return undefined;
  const n = u16be(d, off + 2);
  if (n === 0 || n > 8188) return null;
  const code = d[off + 4]!;
  if (!(dir === 0 ? TO_CONTAINER : FROM_CONTAINER).has(code)) return null;
  if ((code === 10 || code === 9 || code === 7 || code === 8) && n !== 1) return null;
  if (code === 2) {
    // method, then protocol: 16-bit length, string, NUL
    if (len < 8) return undefined;
    const m = d[off + 5]!;
    if (m < 1 || m > 28) return null;
    const pl = u16be(d, off + 6);
    if (pl < 5 || pl > 16 || pl + 9 > n + 4) return null;
    if (len < 8 + pl + 1) return undefined;
    if (d[off + 8] !== 0x48 || d[off + 9] !== 0x54 || d[off + 10] !== 0x54 || d[off + 11] !== 0x50 || d[off + 12] !== 0x2f) return null; // "HTTP/"
    if (d[off + 8 + pl] !== 0) return null;
  }
  return code;
}

export default defineDissector<State>({
  name: 'ajp',
  protocols: [{ name: 'AJP', category: 'Web', kind: 'protocol', tcpPorts: [8009], description: 'Apache JServ Protocol v1.3 (web server to servlet container)' }],
  transports: Transport.Tcp,
  firstBytes: [0x12, 0x41],
  maxPackets: 4,
  fields: [{ name: 'first_packet', type: 'string', description: "the first packet type to the container ('forward_request', 'cping', 'shutdown', 'ping')" }],
  probe(d, off, len, ctx) {
    return len >= 2 && (ctx.dir === 0 ? d[off] === 0x12 && d[off + 1] === 0x34 : d[off] === 0x41 && d[off + 1] === 0x42);
  },
  createState() {
    return { ok: [false, false] };
  },
  inspect(s, d, off, len, ctx) {
    const dir = ctx.dir;
    if (s.ok[dir]) return Verdict.Continue;
    if (ctx.gap) return Verdict.NotMine;
    const code = ajpPacket(d, off, len, dir);
    if (code === undefined) return Verdict.Continue;
    if (code === null) return Verdict.NotMine;
    s.ok[dir] = true;
    if (dir === 0) ctx.setField('first_packet', code === 2 ? 'forward_request' : code === 10 ? 'cping' : code === 7 ? 'shutdown' : 'ping');
    if (code === 2 || (s.ok[0] && s.ok[1])) {
      ctx.setProtocol(ctx.protocolId('AJP'));
      return Verdict.Done;
    }
    return Verdict.Continue;
  },
});
