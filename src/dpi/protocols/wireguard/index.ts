import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// WireGuard (the WireGuard whitepaper, §5.4): every message starts with a type byte and three
// zero reserved bytes. Handshake initiation (1) is 148 bytes, handshake response (2) 92, cookie
// reply (3) 64; transport data (4) is 16 bytes of header (receiver index, 64-bit counter) then the
// encrypted, 16-byte padded packet and its 16-byte tag: a multiple of 16, at least 32 bytes.
// Named on an initiation answered by a response naming its sender index, or on transport data
// whose receiver index stays put while its counter advances.

export const LENGTHS = [0, 148, 92, 64] as const;

export function messageType(data: Uint8Array, off: number, len: number): number {
  if (len < 32) return 0;
  const t = data[off]!;
  if (t < 1 || t > 4 || data[off + 1] !== 0 || data[off + 2] !== 0 || data[off + 3] !== 0) return 0;
  if (t < 4) return len === LENGTHS[t] ? t : 0;
  return len % 16 === 0 ? 4 : 0;
}

const u32 = (d: Uint8Array, at: number): number => (d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16) | (d[at + 3]! << 24)) >>> 0;
/** the low 32 bits of the little-endian 64-bit counter */
const counter = (d: Uint8Array, at: number): number => u32(d, at + 8);

interface State {
  /** sender index of the initiation seen, or -1 */
  initiator: number;
  /** transport data per direction: receiver index, last counter, packets in a row */
  receiver: [number, number];
  counter: [number, number];
  data: number;
}

export default defineDissector<State>({
  name: 'wireguard',
  protocols: [{ name: 'WireGuard', category: 'VPN', kind: 'protocol', udpPorts: [51820], description: 'WireGuard VPN' }],
  transports: Transport.Udp,
  firstBytes: [1, 2, 3, 4],
  maxPackets: 6,
  probe(data, off, len) {
    return messageType(data, off, len) !== 0;
  },
  createState() {
    return { initiator: -1, receiver: [-1, -1], counter: [-1, -1], data: 0 };
  },
  inspect(state, data, off, len, ctx) {
    const t = messageType(data, off, len);
    if (t === 0) return Verdict.NotMine;
    if (t === 1) {
      state.initiator = u32(data, off + 4);
      return Verdict.Continue;
    }
    if (t === 2) {
      // the response carries its own sender index, then the initiator's as receiver index
      if (state.initiator >= 0 && u32(data, off + 8) !== state.initiator) return Verdict.NotMine;
      ctx.setProtocol(ctx.protocolId('WireGuard'));
      return state.initiator >= 0 ? Verdict.Done : Verdict.Continue;
    }
    if (t === 3) return Verdict.Continue;
    const d = ctx.dir;
    const r = u32(data, off + 4);
    const c = counter(data, off);
    if (state.receiver[d] >= 0 && (state.receiver[d] !== r || c <= state.counter[d] || c - state.counter[d] > 1024)) return Verdict.NotMine;
    state.receiver[d] = r;
    state.counter[d] = c;
    state.data++;
    if (state.data >= 3) {
      ctx.setProtocol(ctx.protocolId('WireGuard'));
      return Verdict.Done;
    }
    return Verdict.Continue;
  },
});
