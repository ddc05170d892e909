import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { readLine, u16be } from '../../helpers/text.js';

// memcached (memcached "protocol.txt" and "BinaryProtocolRevamped"): text commands such as
// "get <key>\r\n", "set <key> <flags> <exptime> <bytes> [noreply]\r\n", "stats\r\n", answered by
// VALUE/END/STORED/STAT/VERSION…; or the binary protocol, 24-byte headers with magic 0x80
// (request) / 0x81 (response), opcode, key length, extras length, data type 0; only requests
// whose lengths fit their opcode name a flow. Over UDP an
// 8-byte frame header (request id, sequence, datagram count, reserved 0) comes first.

interface State {
  done: boolean;
}

const COMMAND = /^(get|gets|gat|gats) \S{1,250}( \S{1,250})*$|^(set|add|replace|append|prepend) \S{1,250} \d+ \d+ \d+( noreply)?$|^cas \S{1,250} \d+ \d+ \d+ \d+( noreply)?$|^(delete|incr|decr|touch) \S{1,250}( \S+)*$|^(stats|stats \w+|version|flush_all( \d+)?( noreply)?|verbosity \d+|quit|mn|me \S+|lru_crawler .*|watch.*)$|^m[gsdna] \S{1,250}( \S+)*$/;

/**
 * Request opcodes of the binary protocol and the extras length each carries (BinaryProtocolRevamped
 * §4: Get* 0, Set/Add/Replace 8, Delete 0, Increment/Decrement 20, Quit 0, Flush 0 or 4, Noop 0,
 * Version 0, Append/Prepend 0, Stat 0, Verbosity 4, Touch/GAT 4, SASL 0), and whether a key is
 * required (k), forbidden (-) or optional (?). The quiet variants (0x09…0x1a) repeat their base's.
 */
const REQUEST_SHAPES: Record<number, [extras: readonly number[], key: 'k' | '-' | '?']> = {
  0x00: [[0], 'k'], 0x09: [[0], 'k'], 0x0c: [[0], 'k'], 0x0d: [[0], 'k'],
  0x01: [[8], 'k'], 0x02: [[8], 'k'], 0x03: [[8], 'k'], 0x11: [[8], 'k'], 0x12: [[8], 'k'], 0x13: [[8], 'k'],
  0x04: [[0], 'k'], 0x14: [[0], 'k'],
  0x05: [[20], 'k'], 0x06: [[20], 'k'], 0x15: [[20], 'k'], 0x16: [[20], 'k'],
  0x07: [[0], '-'], 0x17: [[0], '-'], 0x08: [[0, 4], '-'], 0x18: [[0, 4], '-'],
  0x0a: [[0], '-'], 0x0b: [[0], '-'],
  0x0e: [[0], 'k'], 0x0f: [[0], 'k'], 0x19: [[0], 'k'], 0x1a: [[0], 'k'],
  0x10: [[0], '?'], 0x1b: [[4], '-'], 0x1c: [[4], 'k'], 0x1d: [[4], 'k'], 0x1e: [[4], 'k'],
  0x20: [[0], '-'], 0x21: [[0], 'k'], 0x22: [[0], 'k'],
};

/** a binary request header whose opcode, extras, key and body lengths agree with the spec */
function binaryRequest(d: Uint8Array, off: number, len: number): boolean {
  if (len < 24 || d[off] !== 0x80 || d[off + 5] !== 0) return false; // magic, data type (raw bytes)
  const shape = REQUEST_SHAPES[d[off + 1]!];
  if (!shape) return false;
  const keyLen = u16be(d, off + 2);
  const extras = d[off + 4]!;
  const body = (d[off + 8]! << 24 >>> 0) + (d[off + 9]! << 16) + (d[off + 10]! << 8) + d[off + 11]!;
  if (!shape[0].includes(extras) || keyLen + extras > body || body >= 1 << 24) return false;
  if ((shape[1] === 'k' && keyLen === 0) || (shape[1] === '-' && keyLen !== 0)) return false;
  // a pipelined request after this one starts with the request magic again
  const next = 24 + body;
  return len <= next || d[off + next] === 0x80;
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
      if (!binaryRequest(d, o, l)) return l < 24 && ctx.l4 === 6 ? Verdict.Continue : Verdict.NotMine;
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
