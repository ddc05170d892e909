import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { readLine } from '../../helpers/text.js';

// Redis serialization protocol (redis.io "RESP protocol spec"): a client command is an array of
// bulk strings — "*<n>\r\n$<len>\r\n<COMMAND>\r\n…" — whose first element is the command name;
// replies start with +, -, :, $, * (RESP3 adds %, ~, _, #, …). Keys and values are not output.

interface State {
  done: boolean;
}

export function respCommand(d: Uint8Array, off: number, len: number): string | null | undefined {
  const l1 = readLine(d, off, len, 0, 16);
  if (l1 === undefined) return undefined;
  if (l1 === null || !/^\*[1-9]\d{0,6}$/.test(l1.text)) return null;
  const l2 = readLine(d, off, len, l1.next, 16);
  if (l2 === undefined) return undefined;
  if (l2 === null || !/^\$\d{1,3}$/.test(l2.text)) return null;
  const l3 = readLine(d, off, len, l2.next, 64);
  if (l3 === undefined) return undefined;
  if (l3 === null || l3.text.length !== Number(l2.text.slice(1)) || !/^[A-Za-z][A-Za-z_|.-]{1,30}$/.test(l3.text)) return null;
  return l3.text.toUpperCase();
}

export default defineDissector<State>({
  name: 'redis',
  protocols: [{ name: 'Redis', ndpi: 'RESP', category: 'Database', kind: 'protocol', tcpPorts: [6379], description: 'Redis key-value store protocol' }],
  transports: Transport.Tcp,
  firstBytes: [0x2a],
  maxPackets: 3,
  fields: [{ name: 'command', type: 'string', description: 'the first command name (PING, AUTH, GET, …)' }],
  probe(d, off, _len, ctx) {
    return ctx.dir === 0 && d[off] === 0x2a;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.dir !== 0) return Verdict.Continue;
    const c = respCommand(d, off, len);
    if (c === undefined) return Verdict.Continue;
    if (c === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Redis'));
    ctx.setField('command', c);
    return Verdict.Done;
  },
});
