import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// WS-Discovery (OASIS WS-Discovery 1.1; Microsoft's "WSD" function discovery): SOAP 1.2
// envelopes over UDP multicast/unicast to port 3702 (Probe, Resolve, Hello, Bye and their
// matches). A datagram is an XML document: optional XML declaration, then a SOAP Envelope whose
// namespaces include the WS-Discovery one (2005/04 draft or the OASIS 2009/01 standard).

const NS = ['schemas.xmlsoap.org/ws/2005/04/discovery', 'docs.oasis-open.org/ws-dd/ns/discovery'];
const ACTIONS = ['Probe', 'ProbeMatches', 'Resolve', 'ResolveMatches', 'Hello', 'Bye'];

function text(d: Uint8Array, off: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(d[off + i]!);
  return s;
}

export function wsdAction(d: Uint8Array, off: number, len: number): string | null {
  if (len < 40 || d[off] !== 0x3c) return null;
  const s = text(d, off, Math.min(len, 2048));
  if (!/^<(\?xml[^>]*\?>\s*<)?[A-Za-z0-9]*:?Envelope[\s>]/.test(s)) return null;
  if (!NS.some((n) => s.includes(n))) return null;
  const m = /\/discovery\/(\w+)<\/[\w:]*Action>/.exec(s);
  return m && ACTIONS.includes(m[1]!) ? m[1]! : 'other';
}

export default defineDissector<{ n: number }>({
  name: 'wsd',
  protocols: [{ name: 'WSD', category: 'Network', kind: 'protocol', udpPorts: [3702], description: 'Web Services Dynamic Discovery' }],
  transports: Transport.Udp,
  firstBytes: [0x3c],
  maxPackets: 2,
  fields: [{ name: 'action', type: 'string', description: 'Probe, ProbeMatches, Resolve, ResolveMatches, Hello, Bye or other' }],
  probe(d, off, len, ctx) {
    return (ctx.serverPort === 3702 || ctx.clientPort === 3702) && len >= 40 && d[off + 1] !== 0x3c;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const a = wsdAction(d, off, len);
    if (a === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('WSD'));
    ctx.setField('action', a);
    return Verdict.Done;
  },
});
