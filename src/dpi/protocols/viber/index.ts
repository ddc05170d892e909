import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16le, u32le } from '../../helpers/text.js';

// Viber (proprietary). Public traits: Viber's network documentation (TCP 4244, 5242, 5243, 7985;
// UDP 7985–7987 and 5243 for calls) and what public captures show. UDP datagrams open with the
// 16-bit little-endian marker 0xF6ED and a 16-bit message type. TCP messages are framed by a
// 16-bit little-endian length of the whole message, then a 32-bit message counter that starts
// small. A UDP flow is named by the marker in both directions, or in the client's first datagram
// to a Viber port; a TCP flow by the framing in both directions on a Viber port.

const UDP_MARKER = 0xf6ed;
const TCP_PORTS = [4244, 5242, 5243, 7985];
const UDP_PORTS = [5243, 7985, 7986, 7987];

interface State {
  seen: [boolean, boolean];
}

function udpMessage(d: Uint8Array, off: number, len: number): boolean {
  return len >= 12 && u16le(d, off) === UDP_MARKER && d[off + 3] === 0 && d[off + 2]! < 0x40;
}

function tcpMessage(d: Uint8Array, off: number, len: number): boolean {
  if (len < 8) return false;
  const size = u16le(d, off);
  return size >= 8 && size <= len && u32le(d, off + 2) < 0x10000;
}

export default defineDissector<State>({
  name: 'viber',
  protocols: [{ name: 'Viber', category: 'Chat', kind: 'application', tcpPorts: TCP_PORTS, udpPorts: UDP_PORTS, description: 'Viber messaging and calls' }],
  transports: Transport.Tcp | Transport.Udp,
  maxPackets: 4,
  probe(d, off, len, ctx) {
    if (ctx.l4 === 17) return udpMessage(d, off, len);
    return TCP_PORTS.includes(ctx.serverPort) && tcpMessage(d, off, len);
  },
  createState() {
    return { seen: [false, false] };
  },
  inspect(s, d, off, len, ctx) {
    const udp = ctx.l4 === 17;
    // TCP: the message that starts this packet's new bytes (the stream is framed from its start)
    const at = udp ? off : ctx.newData;
    const n = udp ? len : off + len - ctx.newData;
    if (!(udp ? udpMessage(d, at, n) : tcpMessage(d, at, n))) return s.seen[ctx.dir] ? Verdict.Continue : Verdict.NotMine;
    s.seen[ctx.dir] = true;
    const onPort = udp && ctx.dir === 0 && UDP_PORTS.includes(ctx.serverPort);
    if ((s.seen[0] && s.seen[1]) || onPort) {
      ctx.setApplication(ctx.protocolId('Viber'));
      return Verdict.Done;
    }
    return Verdict.Continue;
  },
});
