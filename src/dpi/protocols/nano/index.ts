import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// Nano's node-to-node protocol (the Nano documentation's "Protocol design – Networking" and
// "Message header" pages): every message, over UDP or TCP (port 7075), starts with an 8-byte
// header — the magic 'R', the network ('A' test, 'B' beta, 'C' live, 'X' dev), the highest,
// used and lowest protocol versions the node speaks, the message type, and 2 bytes of extensions
// (flags and counts whose meaning depends on the type).

/** message types the documentation lists (1 invalid and 9 not_a_type excluded) */
const MESSAGE_TYPES = new Uint8Array(256);
for (const t of [2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15]) MESSAGE_TYPES[t] = 1;

export function isNanoHeader(d: Uint8Array, off: number, len: number): boolean {
  if (len < 8 || d[off] !== 0x52) return false;
  const net = d[off + 1]!;
  if (net !== 0x41 && net !== 0x42 && net !== 0x43 && net !== 0x58) return false;
  const max = d[off + 2]!;
  const using = d[off + 3]!;
  const min = d[off + 4]!;
  if (min === 0 || min > using || using > max || max > 0x30) return false;
  return MESSAGE_TYPES[d[off + 5]!] === 1;
}

interface State {
  seen: number;
}

export default defineDissector<State>({
  name: 'nano',
  protocols: [{ name: 'Nano', category: 'Crypto_Currency', kind: 'protocol', tcpPorts: [7075], udpPorts: [7075], description: 'Nano cryptocurrency node protocol' }],
  transports: Transport.Tcp | Transport.Udp,
  firstBytes: [0x52],
  maxPackets: 3,
  probe(d, off, len, ctx) {
    return len < 8 ? ctx.l4 === 6 : isNanoHeader(d, off, len);
  },
  createState() {
    return { seen: 0 };
  },
  inspect(s, d, off, len, ctx) {
    s.seen++;
    if (len < 8) return ctx.l4 === 6 && s.seen < 3 ? Verdict.Continue : Verdict.NotMine;
    if (!isNanoHeader(d, off, len)) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Nano'));
    return Verdict.Done;
  },
});
