import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// ONC RPC (RFC 5531 §9) carrying NFS (RFC 1813, 7530) and its companions: a call is xid,
// msg_type 0, rpcvers 2, program, version, procedure, then credential and verifier (flavor +
// opaque of at most 400 bytes). A reply is xid, msg_type 1, reply_stat 0/1. Over TCP each record
// is preceded by a 4-byte record mark (last-fragment bit + length). Programs named NFS: NFS
// itself, MOUNT, NLM, NSM (status), NFS ACL and the portmapper/rpcbind that locates them.

interface State {
  /** xid of a call seen in this flow */
  xid: number;
}

const PROGRAMS: Record<number, string> = { 100000: 'portmapper', 100003: 'nfs', 100005: 'mount', 100021: 'nlockmgr', 100024: 'status', 100227: 'nfs_acl' };

/** the program of the ONC RPC call at d[off..off+len), or null */
export function parseRpcCall(d: Uint8Array, off: number, len: number): { xid: number; program: number; version: number } | null {
  if (len < 40) return null;
  if (u32be(d, off + 4) !== 0 || u32be(d, off + 8) !== 2) return null;
  const program = u32be(d, off + 12);
  const version = u32be(d, off + 16);
  if (version > 10) return null;
  const flavor = u32be(d, off + 24);
  const clen = u32be(d, off + 28);
  if (flavor > 6 && flavor !== 390003 && flavor !== 390004 && flavor !== 390005 && flavor !== 6) return null;
  if (clen > 400 || 32 + clen + 8 > len) return null;
  const vflavor = u32be(d, off + 32 + ((clen + 3) & ~3));
  if (vflavor > 6) return null;
  return { xid: u32be(d, off), program, version };
}

export default defineDissector<State>({
  name: 'nfs',
  protocols: [{ name: 'NFS', category: 'DataTransfer', kind: 'protocol', tcpPorts: [2049], udpPorts: [2049], description: 'Network File System over ONC RPC (with portmapper, mount, lock and status)' }],
  transports: Transport.Tcp | Transport.Udp,
  maxPackets: 4,
  fields: [
    { name: 'program', type: 'string', description: 'the ONC RPC program called (nfs, mount, portmapper, …)' },
    { name: 'version', type: 'int', description: 'the program version' },
  ],
  probe(d, off, len, ctx) {
    const o = ctx.l4 === 6 ? 4 : 0;
    if (len < o + 12) return false;
    if (ctx.l4 === 6 && (d[off]! & 0x80) === 0) return false;
    return u32be(d, off + o + 4) === 0 && u32be(d, off + o + 8) === 2;
  },
  createState() {
    return { xid: -1 };
  },
  inspect(_s, d, off, len, ctx) {
    let o = off;
    let l = len;
    if (ctx.l4 === 6) {
      if (len < 44) return Verdict.Continue;
      const mark = u32be(d, off);
      if ((mark & 0x80000000) === 0 || (mark & 0x7fffffff) < 40) return Verdict.NotMine;
      o += 4;
      l = Math.min(len - 4, mark & 0x7fffffff);
    }
    const c = parseRpcCall(d, o, l);
    if (!c) return Verdict.NotMine;
    const name = PROGRAMS[c.program];
    if (!name) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('NFS'));
    ctx.setField('program', name);
    ctx.setField('version', c.version);
    return Verdict.Done;
  },
});
