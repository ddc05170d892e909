import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { hassh, hasshServer, readKexInit } from './kexinit.js';
import { readBanner } from './parser.js';
import { SSH_RISKS } from './risks.js';
import { SSH_ZEEK_LOG } from './zeek.js';

// SSH (RFC 4253 §4.2): each side first sends an identification line "SSH-protoversion-software
// comments\r\n". The banners name the protocol and the software on both ends. Each side then
// sends SSH_MSG_KEXINIT in clear: its algorithm lists give the HASSH fingerprints (kexinit.ts).

interface State {
  banners: [string | null, string | null];
  /** where the binary packets start in each direction (after the banner line) */
  kexAt: [number, number];
  kexDone: [boolean, boolean];
}

const PREFIX = [0x53, 0x53, 0x48, 0x2d]; // "SSH-"

export default defineDissector<State>({
  name: 'ssh',
  protocols: [{ name: 'SSH', category: 'RemoteAccess', kind: 'protocol', tcpPorts: [22], description: 'Secure Shell' }],
  transports: Transport.Tcp,
  firstBytes: [PREFIX[0]!],
  maxPackets: 10,
  risks: SSH_RISKS,
  zeek: SSH_ZEEK_LOG,
  fields: [
    { name: 'client_banner', type: 'string', description: "the client's SSH identification line" },
    { name: 'server_banner', type: 'string', description: "the server's SSH identification line" },
    { name: 'client_kex', type: 'string', description: "the client's key exchange algorithms (KEXINIT)" },
    { name: 'server_host_key', type: 'string', description: "the server's host key algorithms (KEXINIT)" },
  ],
  probe(data, off, len) {
    if (len < 4) return len > 0 && data[off] === PREFIX[0];
    return data[off] === PREFIX[0] && data[off + 1] === PREFIX[1] && data[off + 2] === PREFIX[2] && data[off + 3] === PREFIX[3];
  },
  createState() {
    return { banners: [null, null], kexAt: [0, 0], kexDone: [false, false] };
  },
  inspect(state, data, off, len, ctx) {
    const d = ctx.dir;
    if (state.banners[d] === null) {
      const banner = readBanner(data, off, len);
      if (banner === undefined) return Verdict.Continue; // line not complete yet
      if (banner === null) return Verdict.NotMine;
      state.banners[d] = banner;
      let lf = off;
      while (data[lf] !== 0x0a) lf++;
      state.kexAt[d] = lf + 1 - off;
      ctx.setProtocol(ctx.protocolId('SSH'));
      ctx.setField(d === 0 ? 'client_banner' : 'server_banner', banner);
      if (banner.startsWith('SSH-1.') && !banner.startsWith('SSH-1.99')) {
        ctx.addRisk('obsolete_ssh_version', banner);
        state.kexDone[d] = true; // SSH 1 has no KEXINIT
      }
    }
    if (!state.kexDone[d] && !ctx.gap) {
      const k = readKexInit(data, off + state.kexAt[d], len - state.kexAt[d]);
      if (k !== undefined) {
        state.kexDone[d] = true;
        if (k !== null) {
          if (d === 0) {
            ctx.setFingerprint('hassh', hassh(k));
            ctx.setField('client_kex', k.kex.slice(0, 1000));
          } else {
            ctx.setFingerprint('hassh_server', hasshServer(k));
            ctx.setField('server_host_key', k.hostKey.slice(0, 1000));
          }
        }
      }
    }
    return state.kexDone[0] && state.kexDone[1] ? Verdict.Done : Verdict.Continue;
  },
});
