import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// NAT Port Mapping Protocol (RFC 6886 §3), UDP 5351 (clients send to the gateway's 5351, it
// answers and announces from 5351). Version 0; requests: opcode 0 (external address, 2 bytes),
// 1 (map UDP) or 2 (map TCP), 12 bytes with two reserved zero bytes. Responses: opcode 128 + request
// opcode, result code u16 (0..5), seconds since start of epoch u32; 12 bytes for opcode 128
// (plus the external IPv4 address), 16 for 129/130 (ports and lifetime).

const OPS: Record<number, string> = { 0: 'external_address', 1: 'map_udp', 2: 'map_tcp' };

export function natPmp(d: Uint8Array, off: number, len: number): { op: number; response: boolean } | null {
  if (len < 2 || d[off] !== 0) return null;
  const op = d[off + 1]!;
  if (op === 0) return len === 2 ? { op, response: false } : null;
  if (op === 1 || op === 2) return len === 12 && d[off + 2] === 0 && d[off + 3] === 0 ? { op, response: false } : null;
  if (op === 128 || op === 129 || op === 130) {
    if (len !== (op === 128 ? 12 : 16)) return null;
    return u16be(d, off + 2) <= 5 ? { op: op - 128, response: true } : null;
  }
  return null;
}

export default defineDissector<{ n: number }>({
  name: 'nat_pmp',
  protocols: [{ name: 'NAT-PMP', category: 'Network', kind: 'protocol', udpPorts: [5351], description: 'NAT Port Mapping Protocol' }],
  transports: Transport.Udp,
  firstBytes: [0x00],
  maxPackets: 2,
  fields: [{ name: 'opcode', type: 'string', description: 'external_address, map_udp or map_tcp' }],
  probe(d, off, len, ctx) {
    return (ctx.serverPort === 5351 || ctx.clientPort === 5351) && natPmp(d, off, len) !== null;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const m = natPmp(d, off, len);
    if (!m) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('NAT-PMP'));
    ctx.setField('opcode', OPS[m.op]!);
    return Verdict.Done;
  },
});
