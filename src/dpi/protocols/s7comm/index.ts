import { defineDissector, Transport, Verdict } from '../../dissector.js';
import { u16be } from '../../text.js';

// S7comm (Siemens S7 PLCs), TCP 102, over ISO-on-TCP (RFC 1006 TPKT: version 3, reserved 0,
// length u16 of the whole packet) and ISO 8073 COTP (length indicator, PDU type: 0xE0 CR, 0xD0
// CC, 0xF0 DT…). Siemens publishes no S7comm specification; its publicly documented trait
// (Wireshark's S7comm page) is that the COTP DT user data starts with protocol id 0x32 (S7comm;
// 0x72 for S7comm-plus) and a ROSCTR (1 job, 2 ack, 3 ack-data, 7 userdata). The connection
// request/confirm that precede it leave the flow undecided.

export function tpktCotp(d: Uint8Array, off: number, len: number): 'cr' | 's7' | 's7plus' | 'other' | null {
  if (len < 7 || d[off] !== 3 || d[off + 1] !== 0) return null;
  const n = u16be(d, off + 2);
  if (n < 7 || n > len) return null;
  const li = d[off + 4]!;
  const pdu = d[off + 5]! & 0xf0;
  if (5 + li > n) return null;
  if (pdu === 0xe0 || pdu === 0xd0) return 'cr';
  if (pdu !== 0xf0) return 'other';
  const p = off + 5 + li;
  if (p + 2 > off + n) return 'other';
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
      if (len - p < 7) return Verdict.Continue;
      const t = tpktCotp(d, off + p, len - p);
      if (t === null) return len - p < u16be(d, off + p + 2) && d[off + p] === 3 ? Verdict.Continue : Verdict.NotMine;
      // S7CommPlus (protocol id 0x72) is its own protocol, named by its own dissector
      if (t === 's7plus') return Verdict.NotMine;
      if (t === 's7') {
        ctx.setProtocol(ctx.protocolId('S7Comm'));
        ctx.setField('variant', 's7comm');
        return Verdict.Done;
      }
      if (t === 'other') return Verdict.NotMine;
      p += u16be(d, off + p + 2);
    }
    return Verdict.Continue;
  },
});
