import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// AMQP (0-9-1 spec §4.2.2; OASIS AMQP 1.0 §2.2): the client opens with the 8-byte protocol
// header "AMQP" then 0 0 9 1 (0-9-1), 1 1 0 9 (0-9 legacy), or protocol id 0/2/3 and 1 0 0
// (1.0: AMQP, TLS, SASL).

interface State {
  done: boolean;
}

export function amqpHeader(d: Uint8Array, off: number, len: number): string | null | undefined {
  const want = [0x41, 0x4d, 0x51, 0x50];
  for (let i = 0; i < Math.min(4, len); i++) if (d[off + i] !== want[i]) return null;
  if (len < 8) return undefined;
  const a = d[off + 4]!;
  const b = d[off + 5]!;
  const c = d[off + 6]!;
  const e = d[off + 7]!;
  if (a === 0 && b === 0 && c === 9 && e === 1) return '0-9-1';
  if (a === 1 && b === 1 && c === 0 && (e === 9 || e === 8)) return `0-${e}`;
  if ((a === 0 || a === 2 || a === 3) && b === 1 && c === 0 && e === 0) return a === 3 ? '1.0-sasl' : a === 2 ? '1.0-tls' : '1.0';
  return null;
}

export default defineDissector<State>({
  name: 'amqp',
  protocols: [{ name: 'AMQP', category: 'RPC', kind: 'protocol', tcpPorts: [5672], description: 'Advanced Message Queuing Protocol' }],
  transports: Transport.Tcp,
  firstBytes: [0x41],
  maxPackets: 3,
  fields: [{ name: 'version', type: 'string', description: 'the protocol version of the header (0-9-1, 1.0, …)' }],
  probe(d, off, len) {
    return amqpHeader(d, off, len) !== null;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    const v = amqpHeader(d, off, len);
    if (v === undefined) return Verdict.Continue;
    if (v === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('AMQP'));
    ctx.setField('version', v);
    return Verdict.Done;
  },
});
