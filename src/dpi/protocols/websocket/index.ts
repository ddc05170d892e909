import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// WebSocket frames (RFC 6455 §5.2) on a connection whose HTTP upgrade was not seen (capture
// started later): FIN/RSV/opcode byte, MASK bit and 7-bit length (126: 16-bit, 127: 64-bit
// length follows), a 4-byte masking key when masked, the payload. Clients mask every frame and
// servers never do (§5.1). A flow is named when each direction's first bytes are whole frames
// (one or more, exactly filling the data), the client's masked and the server's not, with
// defined opcodes (0–2 data, 8–10 control) and RSV bits clear. Which side masks is checked,
// not assumed: without the handshake the engine may have taken the server for the client.
// The payload is never read.

interface State {
  /** per direction: undefined not seen yet, true masked frames, false unmasked frames */
  masked: [boolean | undefined, boolean | undefined];
}

/** does data[off..off+len) hold whole frames only? masked: as the client sends them */
export function wsFrames(d: Uint8Array, off: number, len: number, masked: boolean): boolean | undefined {
  let i = off;
  const end = off + len;
  let frames = 0;
  while (i < end) {
    if (end - i < 2) return undefined;
    const b0 = d[i]!;
    const b1 = d[i + 1]!;
    const op = b0 & 0x0f;
    if ((b0 & 0x70) !== 0 || (op > 2 && op < 8) || op > 10) return false;
    if (((b1 & 0x80) !== 0) !== masked) return false;
    let n = b1 & 0x7f;
    let h = 2;
    if (op >= 8 && (n > 125 || (b0 & 0x80) === 0)) return false; // control frames: short, final
    if (n === 126) {
      if (end - i < 4) return undefined;
      n = u16be(d, i + 2);
      if (n < 126) return false;
      h = 4;
    } else if (n === 127) {
      if (end - i < 10) return undefined;
      if (d[i + 2] !== 0 || d[i + 3] !== 0 || d[i + 4] !== 0 || d[i + 5] !== 0 || d[i + 6]! > 0x0f) return false;
      n = d[i + 6]! * 2 ** 24 + (d[i + 7]! << 16) + (d[i + 8]! << 8) + d[i + 9]!;
      if (n < 0x10000) return false;
      h = 10;
    }
    if (masked) h += 4;
    if (i + h + n > end) return undefined;
    i += h + n;
    if (++frames > 16) break;
  }
  return frames > 0;
}

const FIRST = [0x01, 0x02, 0x81, 0x82, 0x88, 0x89, 0x8a];

export default defineDissector<State>({
  name: 'websocket',
  protocols: [{ name: 'WebSocket', category: 'Web', kind: 'protocol', description: 'WebSocket frames (RFC 6455)' }],
  transports: Transport.Tcp,
  firstBytes: FIRST,
  maxPackets: 4,
  probe(d, off, len) {
    return len >= 2 && FIRST.includes(d[off]!);
  },
  createState() {
    return { masked: [undefined, undefined] };
  },
  inspect(s, d, off, len, ctx) {
    const dir = ctx.dir;
    if (s.masked[dir] !== undefined) return Verdict.Continue;
    if (ctx.gap) return Verdict.NotMine;
    const masked = len >= 2 && (d[off + 1]! & 0x80) !== 0;
    const r = wsFrames(d, off, len, masked);
    if (r === undefined) return len > 65536 ? Verdict.NotMine : Verdict.Continue;
    if (!r) return Verdict.NotMine;
    s.masked[dir] = masked;
    const other = s.masked[dir === 0 ? 1 : 0];
    if (other === undefined) return Verdict.Continue;
    if (other === masked) return Verdict.NotMine; // exactly one side masks
    ctx.setProtocol(ctx.protocolId('WebSocket'));
    return Verdict.Done;
  },
});
