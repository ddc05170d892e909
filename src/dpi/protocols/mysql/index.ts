import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// MySQL client/server protocol (MySQL internals, "Protocol::HandshakeV10"): the server speaks
// first with a packet (3-byte little-endian payload length, sequence id 0) holding protocol
// version 10, the NUL-terminated server version, a 4-byte thread id, 8 bytes of auth data and
// a 0x00 filler, then capability flags.

interface State {
  done: boolean;
}

export function mysqlGreeting(d: Uint8Array, off: number, len: number): string | null | undefined {
  if (len < 5) return undefined;
  const plen = d[off]! | (d[off + 1]! << 8) | (d[off + 2]! << 16);
  if (d[off + 3] !== 0 || d[off + 4] !== 0x0a || plen < 30 || plen > 1024) return null;
  if (len < 4 + plen) return undefined;
  let p = off + 5;
  const end = off + 4 + plen;
  let version = '';
  while (p < end && d[p] !== 0 && version.length < 64) {
    const c = d[p]!;
    if (c < 0x20 || c > 0x7e) return null;
    version += String.fromCharCode(c);
    p++;
  }
  if (d[p] !== 0 || !/^\d+\.\d+/.test(version)) return null;
  p += 1 + 4 + 8;
  if (p >= end || d[p] !== 0) return null;
  return version;
}

export default defineDissector<State>({
  name: 'mysql',
  protocols: [{ name: 'MySQL', category: 'Database', kind: 'protocol', tcpPorts: [3306], description: 'MySQL / MariaDB client-server protocol' }],
  transports: Transport.Tcp,
  maxPackets: 3,
  fields: [{ name: 'server_version', type: 'string', description: 'the version in the server greeting' }],
  probe(d, off, len, ctx) {
    return ctx.dir === 1 && mysqlGreeting(d, off, len) !== null;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.dir !== 1) return Verdict.Continue;
    const v = mysqlGreeting(d, off, len);
    if (v === undefined) return Verdict.Continue;
    if (v === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('MySQL'));
    ctx.setField('server_version', v);
    return Verdict.Done;
  },
});
