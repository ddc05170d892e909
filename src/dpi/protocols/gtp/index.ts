import { defineDissector, Transport, Verdict } from '../../dissector.js';
import { u16be } from '../../text.js';

// GPRS Tunnelling Protocol control plane (3GPP TS 29.060 §6 for GTPv1-C, TS 29.274 §5 for
// GTPv2-C), UDP 2123. GTPv1: flags (version 1 in bits 5..7, protocol type 1, reserved 0, E/S/PN),
// message type, length (u16: bytes after the 8-byte mandatory header), TEID. GTPv2: flags
// (version 2, piggyback, TEID flag, spare), message type (1..255, 0 reserved), length (u16: bytes
// after the first 4), [TEID], sequence (u24), spare. nDPI names these GTP_C (a GTP flavour).

export function gtpcVersion(d: Uint8Array, off: number, len: number): number | null {
  if (len < 8) return null;
  const f = d[off]!;
  const type = d[off + 1]!;
  const n = u16be(d, off + 2);
  if ((f & 0xf8) === 0x30) {
    // v1-C message types 1..129 (0xFF G-PDU belongs to GTP-U)
    // with E, S or PN set the 4 optional bytes (sequence, N-PDU, next extension) are counted
    if ((f & 0x07) !== 0 && n < 4) return null;
    return type >= 1 && type <= 129 && n + 8 === len ? 1 : null;
  }
  if ((f & 0xe3) === 0x40) {
    const t = (f & 0x08) !== 0;
    if (type === 0 || n + 4 !== len || n < (t ? 8 : 4)) return null;
    return 2;
  }
  return null;
}

export default defineDissector<{ n: number }>({
  name: 'gtp',
  protocols: [{ name: 'GTP_C', category: 'Network', kind: 'protocol', udpPorts: [2123], description: 'GPRS Tunnelling Protocol, control plane' }],
  transports: Transport.Udp,
  firstBytes: [0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x40, 0x44, 0x48, 0x4c, 0x50, 0x54, 0x58, 0x5c],
  maxPackets: 2,
  fields: [{ name: 'version', type: 'int', description: 'GTP-C version (1 or 2)' }],
  probe(d, off, len, ctx) {
    return (ctx.serverPort === 2123 || ctx.clientPort === 2123) && gtpcVersion(d, off, len) !== null;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const v = gtpcVersion(d, off, len);
    if (v === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('GTP_C'));
    ctx.setField('version', v);
    return Verdict.Done;
  },
});
