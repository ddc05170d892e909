import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// Telnet (RFC 854/855): sessions open with option negotiation, IAC (0xFF) followed by WILL
// (0xFB), WONT (0xFC), DO (0xFD) or DONT (0xFE) and an option code, or a subnegotiation
// IAC SB … IAC SE. Telnet carries logins in the clear: the flow is flagged unsafe.

interface State {
  done: boolean;
}

/** does the stream start with at least `min` well-formed negotiation commands? */
export function telnetNegotiation(d: Uint8Array, off: number, len: number, min: number): boolean | undefined {
  let p = off;
  const end = off + Math.min(len, 512);
  let n = 0;
  while (p < end && d[p] === 0xff) {
    if (p + 1 >= end) break;
    const cmd = d[p + 1]!;
    if (cmd >= 0xfb && cmd <= 0xfe) {
      if (p + 2 >= end) break;
      if (d[p + 2]! > 49 && d[p + 2] !== 0xff) return false; // options registered by IANA: 0..49, 255
      p += 3;
      n++;
    } else if (cmd === 0xfa) {
      // subnegotiation: up to IAC SE
      let q = p + 2;
      while (q + 1 < end && !(d[q] === 0xff && d[q + 1] === 0xf0)) q++;
      if (q + 1 >= end) break;
      p = q + 2;
      n++;
    } else if (cmd >= 0xf1 && cmd <= 0xf9) {
      p += 2;
      n++;
    } else return false;
  }
  if (n >= min) return true;
  return p >= end && len < 512 ? undefined : false;
}

export default defineDissector<State>({
  name: 'telnet',
  protocols: [{ name: 'Telnet', category: 'RemoteAccess', kind: 'protocol', tcpPorts: [23], description: 'Telnet remote terminal' }],
  transports: Transport.Tcp,
  firstBytes: [0xff],
  maxPackets: 3,
  fields: [],
  probe(d, off, len) {
    return len < 2 ? d[off] === 0xff : d[off] === 0xff && d[off + 1]! >= 0xf1 && d[off + 1]! <= 0xfe;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    const standard = ctx.serverPort === 23 || ctx.clientPort === 23;
    const r = telnetNegotiation(d, off, len, standard ? 1 : 2);
    if (r === undefined) return Verdict.Continue;
    if (!r) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Telnet'));
    ctx.addRisk('unsafe_protocol', 'Telnet');
    return Verdict.Done;
  },
});
