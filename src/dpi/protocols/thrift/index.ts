import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// Apache Thrift messages (Thrift's "binary protocol" and "compact protocol" specifications in
// doc/specs/). Binary, strict form: 0x80 0x01 (version 1), 0x00, message type (1 call, 2 reply,
// 3 exception, 4 oneway), the method name as a 32-bit big-endian length and bytes, a 32-bit
// sequence id. Compact: 0x82, a byte (type << 5 | version 1), the sequence id and the name
// length as varints, then the name. The framed transport puts a 32-bit frame length in front.
// Only the method name is kept (it names an operation, not data).

interface State {
  done: boolean;
}

const NAME_MAX = 128;

function nameOk(d: Uint8Array, at: number, n: number): boolean {
  if (n === 0 || n > NAME_MAX) return false;
  for (let i = at; i < at + n; i++) {
    const c = d[i]!;
    // identifiers: letters, digits, _ . : (service-multiplexed names are "Service:method")
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2e || c === 0x3a)) return false;
  }
  return true;
}

function varint(d: Uint8Array, i: number, end: number): [number, number] | undefined {
  let v = 0;
  for (let k = 0; k < 5; k++) {
    if (i >= end) return undefined;
    const b = d[i++]!;
    v += (b & 0x7f) * 2 ** (7 * k);
    if ((b & 0x80) === 0) return [v, i];
  }
  return [-1, i];
}

/** the method name of a Thrift message at data[off..], null when not one, undefined: too short */
export function thriftMessage(d: Uint8Array, off: number, len: number): { name: string; compact: boolean } | null | undefined {
  const end = off + len;
  if (len < 2) return undefined;
  if (d[off] === 0x80) {
    if (d[off + 1] !== 0x01) return null;
    if (len < 8) return undefined;
    const type = d[off + 3]!;
    if (d[off + 2] !== 0 || type < 1 || type > 4) return null;
    const n = u32be(d, off + 4);
    if (n === 0 || n > NAME_MAX) return null;
    if (len < 8 + n + 4) return undefined;
    if (!nameOk(d, off + 8, n)) return null;
    return { name: String.fromCharCode(...d.subarray(off + 8, off + 8 + n)), compact: false };
  }
  if (d[off] === 0x82) {
    const b = d[off + 1]!;
    const type = b >> 5;
    if ((b & 0x1f) !== 1 || type < 1 || type > 4) return null;
    const seq = varint(d, off + 2, end);
    if (!seq) return undefined;
    if (seq[0] < 0) return null;
    const nl = varint(d, seq[1], end);
    if (!nl) return undefined;
    const n = nl[0];
    if (n < 3 || n > NAME_MAX) return null; // a one-byte header: ask for a real method name
    if (nl[1] + n > end) return undefined;
    if (!nameOk(d, nl[1], n)) return null;
    return { name: String.fromCharCode(...d.subarray(nl[1], nl[1] + n)), compact: true };
  }
  return null;
}

export default defineDissector<State>({
  name: 'thrift',
  protocols: [{ name: 'Thrift', category: 'RPC', kind: 'protocol', tcpPorts: [9090], description: 'Apache Thrift RPC messages' }],
  transports: Transport.Tcp | Transport.Udp,
  firstBytes: [0x80, 0x82, 0x00],
  maxPackets: 3,
  fields: [
    { name: 'method', type: 'string', description: 'the first message\'s method name' },
    { name: 'encoding', type: 'string', description: "'binary' or 'compact'" },
  ],
  probe(d, off, len, ctx) {
    if (len < 2) return false;
    const b = d[off]!;
    if (b === 0x80) return d[off + 1] === 0x01;
    if (b === 0x82) return (d[off + 1]! & 0x1f) === 1;
    // framed transport (TCP): a frame length below 16 MiB, then a binary or compact message
    return ctx.l4 === 6 && len >= 6 && d[off + 1]! < 0x01 && (d[off + 4] === 0x80 || d[off + 4] === 0x82);
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.gap) return Verdict.NotMine;
    let at = off;
    let n = len;
    if (d[off] === 0x00) {
      if (len < 4) return Verdict.Continue;
      const frame = u32be(d, off);
      if (frame < 8 || frame > 0xffffff) return Verdict.NotMine;
      at += 4;
      n -= 4;
    }
    const m = thriftMessage(d, at, n);
    if (m === undefined) return ctx.l4 === 17 ? Verdict.NotMine : Verdict.Continue;
    if (m === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Thrift'));
    ctx.setField('method', m.name);
    ctx.setField('encoding', m.compact ? 'compact' : 'binary');
    return Verdict.Done;
  },
});
