import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// BFD (RFC 5880 §4.1, UDP ports RFC 5881/5883): control packets are version 1, a diagnostic
// code (0..8), state and flags, a non-zero detect multiplier, a length of 24 (or 24 + the
// authentication section when the A bit is set) and a non-zero "my discriminator".

interface State {
  done: boolean;
}

const STATES = ['AdminDown', 'Down', 'Init', 'Up'];

export function isBfdControl(d: Uint8Array, off: number, len: number): boolean {
  if (len < 24) return false;
  if (d[off]! >> 5 !== 1 || (d[off]! & 0x1f) > 8) return false;
  if (d[off + 2] === 0) return false;
  const l = d[off + 3]!;
  const auth = (d[off + 1]! & 0x04) !== 0;
  if (auth ? l < 26 : l !== 24) return false;
  if (l > len) return false;
  if ((d[off + 1]! & 0x01) !== 0) return false; // M bit must be zero
  return d[off + 4]! | d[off + 5]! | d[off + 6]! | d[off + 7]! ? true : false;
}

export default defineDissector<State>({
  name: 'bfd',
  protocols: [{ name: 'BFD', category: 'Network', kind: 'protocol', udpPorts: [3784, 3785, 4784], description: 'Bidirectional Forwarding Detection' }],
  transports: Transport.Udp,
  firstBytes: Array.from({ length: 32 }, (_, i) => 0x20 | i),
  maxPackets: 2,
  fields: [{ name: 'state', type: 'string', description: 'session state of the first packet (AdminDown, Down, Init, Up)' }],
  probe(d, off, len) {
    return isBfdControl(d, off, len);
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (!isBfdControl(d, off, len)) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('BFD'));
    ctx.setField('state', STATES[d[off + 1]! >> 6]!);
    return Verdict.Done;
  },
});
