import { defineDissector, Transport, Verdict } from '../../dissector.js';
import { readLine, u16be } from '../../text.js';

// memcached (memcached "protocol.txt" and "BinaryProtocolRevamped"): text commands such as
// "get <key>\r\n", "set <key> <flags> <exptime> <bytes> [noreply]\r\n", "stats\r\n", answered by
// VALUE/END/STORED/STAT/VERSION…; or the binary protocol, 24-byte headers with magic 0x80
// (request) / 0x81 (response), opcode, key length, extras length, data type 0. Over UDP an
// 8-byte frame header (request id, sequence, datagram count, reserved 0) comes first.

interface State {
  done: boolean;
}

const COMMAND = /^(get|gets|gat|gats) \S{1,250}( \S{1,250})*$|^(set|add|replace|append|prepend) \S{1,250} \d+ \d+ \d+( noreply)?$|^cas \S{1,250} \d+ \d+ \d+ \d+( noreply)?$|^(delete|incr|decr|touch) \S{1,250}( \S+)*$|^(stats|stats \w+|version|flush_all( \d+)?( noreply)?|verbosity \d+|quit|mn|me \S+|lru_crawler .*|watch.*)$|^m[gsdna] \S{1,250}( \S+)*$/;

function binaryHeader(d: Uint8Array, off: number, len: number): boolean {
  if (len < 24) return false;
  const magic = d[off]!;
  if (magic !== 0x80 && magic !== 0x81) return false;
  if (d[off + 1]! > 0x48 || d[off + 5] !== 0) return false; // opcode, data type
  const keyLen = u16be(d, off + 2);
  const extras = d[off + 4]!;
  const body = (d[off + 8]! << 24 >>> 0) + (d[off + 9]! << 16) + (d[off + 10]! << 8) + d[off + 11]!;
  return keyLen + extras <= body && body < 1 << 24;
}

export default defineDissector<State>({
  name: 'memcached',
  protocols: [{ name: 'Memcached', category: 'Database', kind: 'protocol', tcpPorts: [11211], udpPorts: [11211], description: 'memcached cache protocol' }],
  transports: Transport.Tcp | Transport.Udp,
  maxPackets: 3,
  fields: [{ name: 'command', type: 'string', description: 'the first command (get, set, stats, …; binary for the binary protocol)' }],
  probe(d, off, len, ctx) {
    const o = ctx.l4 === 17 ? 8 : 0;
    if (len <= o) return false;
    const c = d[off + o]!;
    return c === 0x80 || c === 0x81 || (c >= 0x61 && c <= 0x7a);
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    let o = off;
    let l = len;
    if (ctx.l4 === 17) {
      if (len < 9 || d[off + 6] !== 0 || d[off + 7] !== 0 || u16be(d, off + 4) === 0) return Verdict.NotMine;
      o += 8;
      l -= 8;
    }
    if (ctx.dir !== 0) return Verdict.Continue;
    if (d[o] === 0x80) {
      if (!binaryHeader(d, o, l)) return l < 24 && ctx.l4 === 6 ? Verdict.Continue : Verdict.NotMine;
      ctx.setProtocol(ctx.protocolId('Memcached'));
      ctx.setField('command', 'binary');
      return Verdict.Done;
    }
    const line = readLine(d, o, l, 0, 1100);
    if (line === undefined) return ctx.l4 === 6 ? Verdict.Continue : Verdict.NotMine;
    if (line === null || !COMMAND.test(line.text)) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Memcached'));
    ctx.setField('command', line.text.split(' ', 1)[0]!);
    return Verdict.Done;
  },
});
