import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// TeamViewer (proprietary, no public specification). Only public traits: TeamViewer's firewall
// documentation (TCP/UDP 5938, falling back to 443 and 80) and byte markers seen in public
// captures of its traffic (not a specification; may change between versions): TCP messages
// start with the two-byte command marker 0x17 0x24 (older versions) or 0x11 0x30 (protocol
// version marker of newer ones); UDP datagrams carry 0x17 0x24 at offset 11, after a zero
// byte-led 11-byte prefix. A flow is named when both directions show a marker, or on port
// 5938 when the client's first message does. Nothing of the session is output.

interface State {
  marked: [boolean, boolean];
}

const PORT = 5938;

function tcpMarker(d: Uint8Array, off: number, len: number): boolean | undefined {
  if (len < 2) return undefined;
  return (d[off] === 0x17 && d[off + 1] === 0x24) || (d[off] === 0x11 && d[off + 1] === 0x30);
}

function udpMarker(d: Uint8Array, off: number, len: number): boolean {
  return len >= 16 && d[off] === 0x00 && d[off + 11] === 0x17 && d[off + 12] === 0x24;
}

export default defineDissector<State>({
  name: 'teamviewer',
  protocols: [{ name: 'TeamViewer', category: 'RemoteAccess', kind: 'application', tcpPorts: [PORT], udpPorts: [PORT], description: 'TeamViewer remote access' }],
  transports: Transport.Tcp | Transport.Udp,
  firstBytes: [0x17, 0x11, 0x00],
  maxPackets: 4,
  probe(d, off, len, ctx) {
    if (ctx.l4 === 17) return udpMarker(d, off, len);
    return len >= 2 && tcpMarker(d, off, len) === true;
  },
  createState() {
    return { marked: [false, false] };
  },
  inspect(s, d, off, len, ctx) {
    const dir = ctx.dir;
    if (s.marked[dir]) return Verdict.Continue;
    if (ctx.gap) return Verdict.NotMine;
    const m = ctx.l4 === 17 ? udpMarker(d, off, len) : tcpMarker(d, off, len);
    if (m === undefined) return Verdict.Continue;
    if (!m) return Verdict.NotMine;
    s.marked[dir] = true;
    const onPort = ctx.l4 === 6 && dir === 0 && ctx.serverPort === PORT;
    if ((s.marked[0] && s.marked[1]) || onPort) {
      ctx.setApplication(ctx.protocolId('TeamViewer'));
      return Verdict.Done;
    }
    return Verdict.Continue;
  },
});
