import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// HP Virtual Group (HP's printer/PC "virtual group" channel, TCP 5223). HP publishes no
// specification: this uses only the traits visible on the wire and described publicly: each
// record starts with a type byte and a big-endian u16 record length that counts the whole record
// (type and length included); the client opens with type 0x16 and the server answers with type
// 0x17, after which both sides exchange type 0x30 records. 0x16 followed by 0x00 (never 0x03)
// keeps it apart from TLS records on the same port (Apple push uses TLS on 5223).

interface State {
  hello: boolean;
  answered: boolean;
}

/** a whole record of the given type starts at data[off..] and fits in len */
function record(d: Uint8Array, off: number, len: number, type: number): boolean {
  if (len < 8 || d[off] !== type) return false;
  const n = u16be(d, off + 1);
  return n >= 8 && n <= len && (n === len || d[off + n] === 0x30 || d[off + n] === type);
}

export default defineDissector<State>({
  name: 'hp_virtgrp',
  protocols: [{ name: 'HP_VIRTGRP', category: 'Network', kind: 'protocol', tcpPorts: [5223], description: 'HP Virtual Group printer channel' }],
  transports: Transport.Tcp,
  firstBytes: [0x16],
  maxPackets: 4,
  probe(d, off, len, ctx) {
    return ctx.serverPort === 5223 && ctx.dir === 0 && d[off] === 0x16 && (len < 3 || d[off + 1] === 0x00);
  },
  createState() {
    return { hello: false, answered: false };
  },
  inspect(s, d, off, len, ctx) {
    if (ctx.dir === 0 && !s.hello) {
      if (len < 8) return Verdict.Continue;
      if (!record(d, off, len, 0x16)) return Verdict.NotMine;
      s.hello = true;
      return Verdict.Continue;
    }
    if (ctx.dir === 1 && s.hello && !s.answered) {
      if (len < 8) return Verdict.Continue;
      if (!record(d, off, len, 0x17)) return Verdict.NotMine;
      s.answered = true;
      ctx.setProtocol(ctx.protocolId('HP_VIRTGRP'));
      return Verdict.Done;
    }
    return s.hello ? Verdict.Continue : Verdict.NotMine;
  },
});
