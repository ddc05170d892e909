import { defineDissector, Transport, Verdict } from '../../dissector.js';
import { u16be } from '../../text.js';

// Modbus/TCP (Modbus Messaging on TCP/IP Implementation Guide v1.0b §3.1.3): the MBAP header —
// transaction id, protocol id 0, length (unit id + PDU: 2..254), unit id — then the PDU's
// function code (public codes 1..127; a response sets bit 0x80 for an exception). Off port 502,
// a request must be answered with the same transaction id, unit and function.

interface State {
  request: { tid: number; unit: number; fc: number } | null;
}

const PUBLIC = [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 15, 16, 17, 20, 21, 22, 23, 24, 43];

export function mbap(d: Uint8Array, off: number, len: number): { tid: number; unit: number; fc: number } | null {
  if (len < 8) return null;
  if (d[off + 2] !== 0 || d[off + 3] !== 0) return null;
  const l = u16be(d, off + 4);
  if (l < 2 || l > 254 || 6 + l > len) return null;
  const fc = d[off + 7]!;
  if (!PUBLIC.includes(fc & 0x7f)) return null;
  return { tid: u16be(d, off), unit: d[off + 6]!, fc };
}

export default defineDissector<State>({
  name: 'modbus',
  protocols: [{ name: 'Modbus', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [502], description: 'Modbus/TCP' }],
  transports: Transport.Tcp,
  maxPackets: 4,
  fields: [{ name: 'function_code', type: 'int', description: 'the function code of the first request' }],
  probe(d, off, len) {
    return len < 8 || mbap(d, off, len) !== null;
  },
  createState() {
    return { request: null };
  },
  inspect(s, d, off, len, ctx) {
    if (len < 8) return Verdict.Continue;
    const m = mbap(d, off, len);
    if (!m) return Verdict.NotMine;
    const standard = ctx.serverPort === 502;
    if (ctx.dir === 0) {
      if (s.request) return Verdict.Continue;
      if ((m.fc & 0x80) !== 0) return Verdict.NotMine;
      s.request = m;
      if (!standard) return Verdict.Continue;
    } else if (!standard) {
      if (!s.request || s.request.tid !== m.tid || s.request.unit !== m.unit || s.request.fc !== (m.fc & 0x7f)) return Verdict.NotMine;
    }
    ctx.setProtocol(ctx.protocolId('Modbus'));
    if (s.request) ctx.setField('function_code', s.request.fc);
    return Verdict.Done;
  },
});
