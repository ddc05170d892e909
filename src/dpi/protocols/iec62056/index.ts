import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// DLMS/COSEM over IP (IEC 62056-47 / -9-7 and IEC 62056-46), TCP/UDP 4059. Two framings:
// the TCP-UDP wrapper — version (u16, 1), source and destination wPort (u16 each), length (u16:
// the APDU that follows) — and HDLC frames (62056-46 §8.4): flag 0x7E, frame format (u16:
// type 0xA in the top nibble, segmentation bit, 11-bit frame length excluding the flags),
// addresses, control, HCS/FCS, closing flag 0x7E.

/** 'wrapper', 'hdlc' or null */
export function dlmsFraming(d: Uint8Array, off: number, len: number, datagram: boolean): string | null {
  if (len >= 9 && d[off] === 0x7e && (d[off + 1]! & 0xf0) === 0xa0) {
    const n = ((d[off + 1]! & 0x07) << 8) | d[off + 2]!;
    if (n < 7 || n + 2 > len) return null;
    return d[off + n + 1] === 0x7e ? 'hdlc' : null;
  }
  if (len >= 9 && u16be(d, off) === 1) {
    const n = u16be(d, off + 6);
    if (n === 0 || (datagram ? 8 + n !== len : 8 + n > len && len < 1400)) return null;
    // the APDU's first byte: an xDLMS / ACSE tag (AARQ 0x60, AARE 0x61, RLRQ 0x62, get/set/action
    // 0xC0..0xC7, glo-/ded- ciphered 0x21..0xDF, data-notification 0x0F…): not zero
    return d[off + 8] !== 0 ? 'wrapper' : null;
  }
  return null;
}

export default defineDissector<{ n: number }>({
  name: 'iec62056',
  protocols: [{ name: 'IEC62056', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [4059], udpPorts: [4059], description: 'DLMS/COSEM electricity metering (IEC 62056)' }],
  transports: Transport.Udp | Transport.Tcp,
  firstBytes: [0x7e, 0x00],
  maxPackets: 3,
  fields: [{ name: 'framing', type: 'string', description: 'wrapper (TCP-UDP wrapper) or hdlc' }],
  probe(d, off, _len, ctx) {
    if (d[off] === 0x7e) return true;
    return ctx.serverPort === 4059 || ctx.clientPort === 4059;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.l4 === 6 && len < 9) return Verdict.Continue;
    const f = dlmsFraming(d, off, len, ctx.l4 === 17);
    if (!f) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('IEC62056'));
    ctx.setField('framing', f);
    return Verdict.Done;
  },
});
