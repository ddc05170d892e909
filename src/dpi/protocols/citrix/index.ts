import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// Citrix ICA and CGP (proprietary). Publicly documented traits only: an ICA connection (TCP 1494)
// opens with the detect string 0x7F 0x7F "ICA" 0x00 sent by each side (Citrix's own ICA
// protocol notes and firewall guides call it the ICA detect sequence); Session Reliability's
// Common Gateway Protocol (TCP 2598) opens with 0x1A "CGP/01". A flow is named by either.

interface State {
  done: boolean;
}

const ICA = [0x7f, 0x7f, 0x49, 0x43, 0x41, 0x00];
const CGP = [0x1a, 0x43, 0x47, 0x50, 0x2f, 0x30, 0x31];

function prefix(d: Uint8Array, off: number, len: number, p: readonly number[]): boolean | undefined {
  for (let i = 0; i < p.length; i++) {
    if (i >= len) return undefined;
    if (d[off + i] !== p[i]) return false;
  }
  return true;
}

export default defineDissector<State>({
  name: 'citrix',
  protocols: [{ name: 'Citrix', category: 'RemoteAccess', kind: 'application', tcpPorts: [1494, 2598], description: 'Citrix ICA / CGP virtual apps and desktops' }],
  transports: Transport.Tcp,
  firstBytes: [0x7f, 0x1a],
  maxPackets: 3,
  fields: [{ name: 'transport', type: 'string', description: "'ICA' or 'CGP' (session reliability)" }],
  probe(d, off, len) {
    return len >= 1 && (d[off] === 0x7f || d[off] === 0x1a);
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.gap) return Verdict.NotMine;
    const p = d[off] === 0x7f ? ICA : CGP;
    const m = prefix(d, off, len, p);
    if (m === undefined) return Verdict.Continue;
    if (!m) return Verdict.NotMine;
    ctx.setApplication(ctx.protocolId('Citrix'));
    ctx.setField('transport', p === ICA ? 'ICA' : 'CGP');
    return Verdict.Done;
  },
});
