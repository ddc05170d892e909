import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { COTP_CC, COTP_CR, COTP_DT, type CotpUnit, readCotpUnit } from '../../helpers/iso-on-tcp.js';

// S7comm (Siemens S7 PLCs), TCP 102, over ISO-on-TCP (RFC 1006 TPKT: version 3, reserved 0,
// length u16 of the whole packet) and ISO 8073 COTP (length indicator, PDU type: 0xE0 CR, 0xD0
// CC, 0xF0 DT…). Siemens publishes no S7comm specification; its publicly documented trait
// (Wireshark's S7comm page) is that the COTP DT user data starts with protocol id 0x32 (S7comm;
// 0x72 for S7comm-plus) and a ROSCTR (1 job, 2 ack, 3 ack-data, 7 userdata). The connection
// request/confirm that precede it leave the flow undecided.

/** The S7comm PDU a COTP unit carries: 'cr' for connection set-up, 's7', 's7plus' (protocol id 0x72), or 'other'. */
export function s7Payload(d: Uint8Array, at: number, unit: CotpUnit): 'cr' | 's7' | 's7plus' | 'other' {
  if (unit.code === COTP_CR || unit.code === COTP_CC) return 'cr';
  if (unit.code !== COTP_DT) return 'other';
  const p = unit.data;
  if (p + 2 > at + unit.size) return 'other';
  if (d[p] === 0x32 && [1, 2, 3, 7].includes(d[p + 1]!)) return 's7';
  if (d[p] === 0x72) return 's7plus';
  return 'other';
}

export default defineDissector<{ n: number }>({
  name: 's7comm',
  protocols: [{ name: 'S7Comm', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [102], description: 'Siemens S7 communication' }],
  transports: Transport.Tcp,
  firstBytes: [0x03],
  maxPackets: 6,
  fields: [{ name: 'variant', type: 'string', description: "s7comm (classic S7, protocol id 0x32; S7CommPlus's 0x72 is the s7commplus dissector's)" }],
  probe(_d, _off, _len, ctx) {
    return ctx.serverPort === 102;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    // walk the TPKTs of the stream so far
    let p = 0;
    while (p < len) {
      const unit = readCotpUnit(d, off + p, len - p);
      if (unit === 'more') return Verdict.Continue;
      if (unit === null) return Verdict.NotMine;
      const t = s7Payload(d, off + p, unit);
      // S7CommPlus (protocol id 0x72) is its own protocol, named by its own dissector
      if (t === 's7plus' || t === 'other') return Verdict.NotMine;
      if (t === 's7') {
        ctx.setProtocol(ctx.protocolId('S7Comm'));
        ctx.setField('variant', 's7comm');
        return Verdict.Done;
      }
      p += unit.size;
    }
    return Verdict.Continue;
  },
});
