import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32le } from '../../helpers/text.js';

// Lustre's LNet over TCP (socklnd), TCP 988, as described in the Lustre Operations Manual and
// Wireshark's "lnet" dissector page. A connection opens with the acceptor request — magic
// 0xACCE7100 (little endian on the wire; byte-swapped from big-endian peers), version, NID — or
// directly with the LNet "hello" whose magic is 0x45726963 ("Eric"); established connections
// carry socklnd messages: type (u32: 0xC0 NOOP, 0xC1 LNET), checksum, two zero-copy cookies
// (u64) and an LNet header whose destination and source NIDs hold the network type (2: TCP, 5:
// O2IB) in the upper half.

const ACCEPTOR = 0xacce7100;
const HELLO = 0x45726963;
const swap = (x: number): number => (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;

function nidOk(d: Uint8Array, p: number): boolean {
  const lnd = d[p + 6]!;
  return d[p + 7] === 0 && lnd >= 1 && lnd <= 15;
}

export function lnetOpening(d: Uint8Array, off: number, len: number): string | null {
  if (len < 8) return null;
  const m = u32le(d, off);
  if (m === ACCEPTOR || swap(m) === ACCEPTOR) return 'acceptor';
  if (m === HELLO || swap(m) === HELLO) return 'hello';
  if ((m === 0xc0 || m === 0xc1) && len >= 40 && nidOk(d, off + 24) && nidOk(d, off + 32)) return 'message';
  return null;
}

export default defineDissector<{ n: number }>({
  name: 'lustre',
  protocols: [{ name: 'Lustre', category: 'DataTransfer', kind: 'protocol', tcpPorts: [988], description: 'Lustre file system (LNet over TCP)' }],
  transports: Transport.Tcp,
  firstBytes: [0x00, 0x71, 0x45, 0x63, 0xc0, 0xc1],
  maxPackets: 3,
  probe(_d, _off, _len, ctx) {
    return ctx.serverPort === 988 || ctx.clientPort === 988;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (len < 8 || (len < 40 && (d[off] === 0xc0 || d[off] === 0xc1))) return Verdict.Continue;
    if (!lnetOpening(d, off, len)) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Lustre'));
    return Verdict.Done;
  },
});
