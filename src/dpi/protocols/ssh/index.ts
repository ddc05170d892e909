import { defineDissector, Transport, Verdict } from '../../dissector.js';
import { readBanner } from './parser.js';

// SSH (RFC 4253 §4.2): each side first sends an identification line "SSH-protoversion-software
// comments\r\n". The banners name the protocol and the software on both ends.

interface State {
  banners: [string | null, string | null];
}

const PREFIX = [0x53, 0x53, 0x48, 0x2d]; // "SSH-"

export default defineDissector<State>({
  name: 'ssh',
  protocols: [{ name: 'SSH', category: 'RemoteAccess', kind: 'protocol', tcpPorts: [22], description: 'Secure Shell' }],
  transports: Transport.Tcp,
  firstBytes: [PREFIX[0]!],
  maxPackets: 6,
  fields: [
    { name: 'client_banner', type: 'string', description: "the client's SSH identification line" },
    { name: 'server_banner', type: 'string', description: "the server's SSH identification line" },
  ],
  probe(data, off, len) {
    if (len < 4) return len > 0 && data[off] === PREFIX[0];
    return data[off] === PREFIX[0] && data[off + 1] === PREFIX[1] && data[off + 2] === PREFIX[2] && data[off + 3] === PREFIX[3];
  },
  createState() {
    return { banners: [null, null] };
  },
  inspect(state, data, off, len, ctx) {
    if (state.banners[ctx.dir] !== null) return Verdict.Continue;
    const banner = readBanner(data, off, len);
    if (banner === undefined) return Verdict.Continue; // line not complete yet
    if (banner === null) return Verdict.NotMine;
    state.banners[ctx.dir] = banner;
    ctx.setProtocol(ctx.protocolId('SSH'));
    ctx.setField(ctx.dir === 0 ? 'client_banner' : 'server_banner', banner);
    if (banner.startsWith('SSH-1.') && !banner.startsWith('SSH-1.99')) ctx.addRisk('obsolete_ssh_version', banner);
    return state.banners[0] !== null && state.banners[1] !== null ? Verdict.Done : Verdict.Continue;
  },
});
