import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// Radmin (Famatech, proprietary; no public specification). Famatech documents the server port
// (TCP 4899). Beyond that only traits seen in public captures (not a specification): each
// message is a 9-byte header — 0x01, a 32-bit big-endian length of the body, 4 more bytes —
// then the body. A flow is named when the first message of each direction has that header
// and exactly fills its packet, on port 4899 only.

interface State {
  ok: [boolean, boolean];
}

const PORT = 4899;

export function radminMessage(d: Uint8Array, off: number, len: number): boolean | undefined {
  if (len < 1) return undefined;
  if (d[off] !== 0x01) return false;
  if (len < 9) return undefined;
  const n = u32be(d, off + 1);
  if (n === 0 || n > 0x10000) return false;
  if (len < 9 + n) return undefined;
  return len === 9 + n;
}

export default defineDissector<State>({
  name: 'radmin',
  protocols: [{ name: 'Radmin', category: 'RemoteAccess', kind: 'protocol', tcpPorts: [PORT], description: 'Radmin remote administration' }],
  transports: Transport.Tcp,
  firstBytes: [0x01],
  maxPackets: 4,
  probe(d, off, len, ctx) {
    return ctx.serverPort === PORT && len >= 1 && d[off] === 0x01;
  },
  createState() {
    return { ok: [false, false] };
  },
  inspect(s, d, off, len, ctx) {
    const dir = ctx.dir;
    if (s.ok[dir]) return Verdict.Continue;
    if (ctx.gap) return Verdict.NotMine;
    const m = radminMessage(d, off, len);
    if (m === undefined) return Verdict.Continue;
    if (!m) return Verdict.NotMine;
    s.ok[dir] = true;
    if (!(s.ok[0] && s.ok[1])) return Verdict.Continue;
    ctx.setProtocol(ctx.protocolId('Radmin'));
    return Verdict.Done;
  },
});
