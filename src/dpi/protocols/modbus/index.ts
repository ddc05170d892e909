import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// Modbus/TCP (Modbus Messaging on TCP/IP Implementation Guide v1.0b §3.1.3): the MBAP header —
// transaction id, protocol id 0, length (unit id + PDU: 2..254), unit id — then the PDU's
// function code (public codes 1..127; a response sets bit 0x80 for an exception). Off port 502,
// a request must be answered with the same transaction id, unit and function.
// Schneider Electric's UMAS (the Unity / EcoStruxure programming protocol of Modicon PLCs) rides
// on Modbus/TCP as the vendor function code 0x5A (90): after it a session key byte (0 outside a
// PLC reservation) and the UMAS function code in a request, or the session key and a status,
// 0xFE success or 0xFD error, in a response (public analyses of the protocol: the "Unity (UMAS)
// protocol" series, Kaspersky ICS CERT's "The secrets of Schneider Electric's UMAS protocol").
// Such a flow is named UMAS, not Modbus.

interface State {
  request: { tid: number; unit: number; fc: number } | null;
  /** the UMAS function code of the request, -1 when it is not UMAS */
  umasFunction: number;
}

const PUBLIC = [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 15, 16, 17, 20, 21, 22, 23, 24, 43];
const UMAS = 0x5a;
const UMAS_OK = 0xfe;
const UMAS_ERROR = 0xfd;

/** the MBAP header and function code of the message at d[off..off+len) (the first 8 bytes are read) */
export function mbap(d: Uint8Array, off: number, len: number): { tid: number; unit: number; fc: number } | null {
  if (len < 8) return null;
  if (d[off + 2] !== 0 || d[off + 3] !== 0) return null;
  const l = u16be(d, off + 4);
  if (l < 2 || l > 254 || 6 + l > len) return null;
  const fc = d[off + 7]!;
  if (!PUBLIC.includes(fc & 0x7f) && (fc & 0x7f) !== UMAS) return null;
  // UMAS: a session key and a function code or status follow the 0x5A
  if (fc === UMAS && l < 4) return null;
  return { tid: u16be(d, off), unit: d[off + 6]!, fc };
}

/** a UMAS response's status byte is success or error */
const umasStatusOk = (d: Uint8Array, off: number): boolean => d[off + 9] === UMAS_OK || d[off + 9] === UMAS_ERROR;

export default defineDissector<State>({
  name: 'modbus',
  protocols: [
    { name: 'Modbus', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [502], description: 'Modbus/TCP' },
    // no port of its own: UMAS shares 502 with Modbus, which port guesses keep
    { name: 'UMAS', category: 'IoT-Scada', kind: 'protocol', description: 'Schneider Electric UMAS (Unity) over Modbus/TCP function code 90' },
  ],
  transports: Transport.Tcp,
  // a UMAS request is 10 bytes: room for it to come a byte a segment
  maxPackets: 10,
  fields: [
    { name: 'function_code', type: 'int', description: 'the function code of the first request' },
    { name: 'umas_function', type: 'int', description: 'UMAS: the UMAS function code of the first request (after the 0x5A Modbus function and the session key)' },
  ],
  probe(d, off, len) {
    return len < 8 || mbap(d, off, len) !== null;
  },
  createState() {
    return { request: null, umasFunction: -1 };
  },
  inspect(s, d, off, len, ctx) {
    if (len < 8) return Verdict.Continue;
    // the PDU may still be on its way (a segment at a time): its header alone must hold
    const l = u16be(d, off + 4);
    if (6 + l > len && 6 + l <= 260 && mbap(d, off, 6 + l) !== null) return Verdict.Continue;
    const m = mbap(d, off, len);
    if (!m) return Verdict.NotMine;
    const standard = ctx.serverPort === 502;
    if (ctx.dir === 0) {
      if (s.request) return Verdict.Continue;
      if ((m.fc & 0x80) !== 0) return Verdict.NotMine;
      s.request = m;
      s.umasFunction = m.fc === UMAS ? d[off + 9]! : -1;
      if (!standard) return Verdict.Continue;
    } else {
      if (m.fc === UMAS && !umasStatusOk(d, off)) return Verdict.NotMine;
      if (!standard && (!s.request || s.request.tid !== m.tid || s.request.unit !== m.unit || s.request.fc !== (m.fc & 0x7f))) return Verdict.NotMine;
    }
    const umas = (s.request?.fc ?? m.fc & 0x7f) === UMAS;
    ctx.setProtocol(ctx.protocolId(umas ? 'UMAS' : 'Modbus'));
    if (s.request) ctx.setField('function_code', s.request.fc);
    if (umas && s.umasFunction >= 0) ctx.setField('umas_function', s.umasFunction);
    return Verdict.Done;
  },
});
