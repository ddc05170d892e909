import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { readLine } from '../../helpers/text.js';

// NoMachine's NX protocol (proprietary; NoMachine documents the server on TCP/UDP 4000 and the
// NX protocol by name only). Publicly visible trait used here: before TLS starts, the client
// sends a banner line "NXSH-<version>\n" and the server "NXD-<version>\n" (version digits and
// dots, e.g. 8.10.1). A flow is named by either banner. The UDP channel is not recognised
// (no documented trait).

interface State {
  done: boolean;
}

const BANNER = /^(NXSH|NXD)-(\d{1,3}(?:\.\d{1,4}){1,3})$/;

export function nxBanner(d: Uint8Array, off: number, len: number): { who: string; version: string } | null | undefined {
  const l = readLine(d, off, len, 0, 32);
  if (l === undefined) return len > 34 ? null : undefined;
  if (l === null) return null;
  const m = BANNER.exec(l.text);
  return m ? { who: m[1]!, version: m[2]! } : null;
}

export default defineDissector<State>({
  name: 'nomachine',
  protocols: [{ name: 'NoMachine', category: 'RemoteAccess', kind: 'application', tcpPorts: [4000], description: 'NoMachine NX remote desktop' }],
  transports: Transport.Tcp,
  firstBytes: [0x4e],
  maxPackets: 3,
  fields: [{ name: 'version', type: 'string', description: 'the NX version in the first banner' }],
  probe(d, off, len) {
    return len >= 1 && d[off] === 0x4e && (len < 2 || d[off + 1] === 0x58);
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.gap) return Verdict.NotMine;
    const b = nxBanner(d, off, len);
    if (b === undefined) return Verdict.Continue;
    if (b === null || (ctx.dir === 0) !== (b.who === 'NXSH')) return Verdict.NotMine;
    ctx.setApplication(ctx.protocolId('NoMachine'));
    ctx.setField('version', b.version);
    return Verdict.Done;
  },
});
