import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// VMware's authentication daemon (vmware-authd, TCP 902, and 912 on hosted products), the service
// that remote consoles, vSphere clients and ESXi's NFC file copies first talk to. The server
// speaks first with an FTP-style greeting: "220 VMware Authentication Daemon Version 1.10: ..."
// (one line; later versions add "SSL Required, ServerDaemonProtocol:SOAP, MKSDisplayProtocol:VNC"
// and then move to TLS). The client then sends "USER"/"PASS" or asks for TLS. The greeting is
// the only cleartext part every version shares, so it is what names the flow, on any port.

const GREETING = '220 VMware Authentication Daemon';

/** the payload is the greeting's start, or holds the whole greeting */
function greetingSoFar(d: Uint8Array, off: number, len: number): boolean {
  const n = Math.min(len, GREETING.length);
  for (let i = 0; i < n; i++) if (d[off + i] !== GREETING.charCodeAt(i)) return false;
  return true;
}

interface State {
  seen: number;
}

export default defineDissector<State>({
  name: 'vmware',
  protocols: [{ name: 'VMware', category: 'RemoteAccess', kind: 'protocol', tcpPorts: [902, 912], description: 'VMware authentication daemon (remote console, vSphere, NFC)' }],
  transports: Transport.Tcp,
  firstBytes: [0x32],
  maxPackets: 3,
  probe(d, off, len, ctx) {
    return ctx.dir === 1 && greetingSoFar(d, off, len);
  },
  createState() {
    return { seen: 0 };
  },
  inspect(s, d, off, len, ctx) {
    s.seen++;
    if (ctx.dir !== 1) return s.seen < 3 ? Verdict.Continue : Verdict.NotMine;
    if (!greetingSoFar(d, off, len)) return Verdict.NotMine;
    if (len < GREETING.length) return Verdict.Continue;
    ctx.setProtocol(ctx.protocolId('VMware'));
    return Verdict.Done;
  },
});
