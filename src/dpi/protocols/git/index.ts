import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// Git protocol (git docs "gitprotocol-pack" / "gitprotocol-common"): over TCP 9418 the client
// sends one pkt-line — 4 hex digits giving the line length (length field included) — holding
// "git-upload-pack /path\0host=name[:port]\0" (or git-receive-pack / git-upload-archive).

interface State {
  done: boolean;
}

const SERVICES = ['git-upload-pack ', 'git-receive-pack ', 'git-upload-archive '];

export function gitRequest(d: Uint8Array, off: number, len: number): { service: string; host: string | null } | null | undefined {
  if (len < 4) return undefined;
  const hex = String.fromCharCode(d[off]!, d[off + 1]!, d[off + 2]!, d[off + 3]!);
  if (!/^[0-9a-f]{4}$/.test(hex)) return null;
  const l = parseInt(hex, 16);
  if (l < 4 + 16 || l > 65520) return null;
  const head = String.fromCharCode(...d.subarray(off + 4, off + Math.min(len, 4 + 20)));
  const svc = SERVICES.find((s) => s.startsWith(head.slice(0, s.length)) && (head.length >= s.length ? head.startsWith(s) : true));
  if (!svc) return null;
  if (len < l) return head.length >= svc.length || len < 24 ? undefined : null;
  const body = String.fromCharCode(...d.subarray(off + 4, off + l));
  const m = /\0host=([^\0:]*)/.exec(body);
  return { service: svc.trim(), host: m ? m[1]! : null };
}

export default defineDissector<State>({
  name: 'git',
  protocols: [{ name: 'Git', category: 'Collaborative', kind: 'protocol', tcpPorts: [9418], description: 'Git native protocol' }],
  transports: Transport.Tcp,
  firstBytes: [...'0123456789abcdef'].map((c) => c.charCodeAt(0)),
  maxPackets: 3,
  fields: [
    { name: 'service', type: 'string', description: 'git-upload-pack, git-receive-pack or git-upload-archive' },
    { name: 'host', type: 'string', description: 'the host= parameter of the request (the server name the client used)', privacy: 'host' },
  ],
  probe(d, off, len, ctx) {
    return ctx.dir === 0 && gitRequest(d, off, len) !== null;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.dir !== 0) return Verdict.Continue;
    const r = gitRequest(d, off, len);
    if (r === undefined) return Verdict.Continue;
    if (r === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Git'));
    ctx.setField('service', r.service);
    if (r.host) ctx.setField('host', r.host.slice(0, 255));
    return Verdict.Done;
  },
});
