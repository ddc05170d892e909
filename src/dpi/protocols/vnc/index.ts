import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// VNC / RFB (RFC 6143 §7.1.1): the server opens with the 12-byte ProtocolVersion
// "RFB xxx.yyy\n" (003.003, 003.007, 003.008; vendors use others such as 004.001), the client
// answers with the version it picks.

interface State {
  versions: [string | null, string | null];
}

export function rfbVersion(d: Uint8Array, off: number, len: number): string | null | undefined {
  const want = 'RFB ';
  for (let i = 0; i < Math.min(len, 4); i++) if (d[off + i] !== want.charCodeAt(i)) return null;
  if (len < 12) return undefined;
  const s = String.fromCharCode(...d.subarray(off, off + 12));
  const m = /^RFB (\d{3})\.(\d{3})\n$/.exec(s);
  return m ? `${Number(m[1])}.${Number(m[2])}` : null;
}

export default defineDissector<State>({
  name: 'vnc',
  protocols: [{ name: 'VNC', category: 'RemoteAccess', kind: 'protocol', tcpPorts: [5900, 5901, 5902, 5800], description: 'Virtual Network Computing (Remote Framebuffer protocol)' }],
  transports: Transport.Tcp,
  firstBytes: [0x52],
  maxPackets: 4,
  fields: [
    { name: 'server_version', type: 'string', description: 'the RFB version the server offers' },
    { name: 'client_version', type: 'string', description: 'the RFB version the client picks' },
  ],
  probe(d, off, len) {
    return rfbVersion(d, off, len) !== null;
  },
  createState() {
    return { versions: [null, null] };
  },
  inspect(s, d, off, len, ctx) {
    if (s.versions[ctx.dir] !== null) return Verdict.Continue;
    const v = rfbVersion(d, off, len);
    if (v === undefined) return Verdict.Continue;
    if (v === null) return s.versions[1 - ctx.dir] !== null ? Verdict.Done : Verdict.NotMine;
    s.versions[ctx.dir] = v;
    ctx.setProtocol(ctx.protocolId('VNC'));
    ctx.setField(ctx.dir === 1 ? 'server_version' : 'client_version', v);
    ctx.addRisk('desktop_or_file_sharing', 'VNC');
    return s.versions[0] !== null && s.versions[1] !== null ? Verdict.Done : Verdict.Continue;
  },
});
