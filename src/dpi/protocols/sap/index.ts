import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// SAP NI (Network Interface) framing, under SAP GUI (DIAG), RFC and the router: every message is a
// 4-byte big-endian length (the bytes after it) and that many bytes. The NI layer's keep-alive is
// the body "NI_PING\0", answered by "NI_PONG\0": those name the flow on any port. Any other frame
// only on SAP's ports: 3200-3399 (dispatcher 32NN and gateway 33NN of instance NN, router 3299),
// 3600 (message server) and 3900, and only when the segment is
// exactly one frame.

interface State {
  done: boolean;
}

const SAP_PORTS: readonly number[] = [...Array.from({ length: 200 }, (_, i) => 3200 + i), 3600, 3900];
const MAX_FRAME = 1 << 20;

const isSapPort = (p: number): boolean => (p >= 3200 && p <= 3399) || p === 3600 || p === 3900;

const PING = [0x4e, 0x49, 0x5f, 0x50, 0x49, 0x4e, 0x47, 0x00]; // "NI_PING\0"

/** "NI_PING\0" or "NI_PONG\0" at data[i] */
function isPingPong(d: Uint8Array, i: number): boolean {
  for (let k = 0; k < 8; k++) {
    const c = d[i + k];
    if (c === PING[k]) continue;
    if (k === 4 && c === 0x4f) continue; // 'O' of PONG
    return false;
  }
  return true;
}

/** An NI frame at data[off..off+len): 0 not one, 1 one, -1 cut short. */
export function checkFrame(d: Uint8Array, off: number, len: number, sapPorts: boolean): -1 | 0 | 1 {
  if (len >= 1 && d[off] !== 0x00) return 0;
  if (len < 4) return -1;
  const n = u32be(d, off);
  if (n === 0 || n > MAX_FRAME) return 0;
  if (n === 8 && len === 12 && isPingPong(d, off + 4)) return 1;
  if (!sapPorts) {
    // off SAP's ports only a keep-alive: the bytes so far must still be one
    if (n !== 8 || len > 12) return 0;
    for (let k = 0; k < len - 4; k++) {
      const c = d[off + 4 + k];
      if (c !== PING[k] && !(k === 4 && c === 0x4f)) return 0;
    }
    return -1;
  }
  if (n + 4 > len) return -1;
  return n + 4 === len ? 1 : 0;
}

export default defineDissector<State>({
  name: 'sap',
  protocols: [{ name: 'SAP', category: 'Network', kind: 'protocol', tcpPorts: SAP_PORTS, description: 'SAP NI protocol (SAP GUI, RFC, message server, router)' }],
  transports: Transport.Tcp,
  firstBytes: [0x00],
  maxPackets: 3,
  probe(d, off, len, ctx) {
    return checkFrame(d, off, len, isSapPort(ctx.serverPort) || isSapPort(ctx.clientPort)) !== 0;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    const r = checkFrame(d, off, len, isSapPort(ctx.serverPort) || isSapPort(ctx.clientPort));
    if (r < 0) return Verdict.Continue;
    if (r === 0) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('SAP'));
    return Verdict.Done;
  },
});
