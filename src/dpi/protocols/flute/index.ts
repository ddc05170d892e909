import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// FLUTE (RFC 6726) over ALC/LCT (RFC 5775, RFC 5651 §5.1), UDP, no fixed port. LCT header:
// version (4 bits, 1), congestion control flag C (2 bits), PSI (2), then S, O (2), H, reserved
// (2), A, B; HDR_LEN (in 32-bit words, the whole LCT header); codepoint; CCI (32·(C+1) bits);
// TSI (32·S + 16·H bits); TOI (32·O + 16·H bits); header extensions (HET ≥ 128: 4 bytes;
// HET < 128: HEL words). FLUTE sends its File Delivery Table as TOI 0 with an EXT_FDT extension
// (HET 192): a flow is named when such a packet is seen, other LCT packets let it wait.

/** null: not LCT; false: LCT without EXT_FDT; true: LCT with EXT_FDT */
export function lctFdt(d: Uint8Array, off: number, len: number): boolean | null {
  if (len < 12) return null;
  const b0 = d[off]!;
  const b1 = d[off + 1]!;
  if (b0 >> 4 !== 1 || (b1 & 0x0c) !== 0) return null;
  const c = (b0 >> 2) & 3;
  const s = (b1 >> 7) & 1;
  const o = (b1 >> 5) & 3;
  const h = (b1 >> 4) & 1;
  if (o === 3) return null;
  const hdr = d[off + 2]! * 4;
  const fixed = 4 + 4 * (c + 1) + 4 * s + 2 * h + 4 * o + 2 * h;
  if (hdr < fixed || hdr > len || (s === 0 && h === 0 && o === 0)) return null;
  let p = fixed;
  let fdt = false;
  while (p < hdr) {
    const het = d[off + p]!;
    const n = het >= 128 ? 4 : d[off + p + 1]! * 4;
    if (n === 0) return null;
    if (het === 192) fdt = true;
    else if (het !== 64 && het !== 1 && het !== 2 && het !== 3 && het !== 193 && het !== 194 && het !== 255 && het !== 0) return null;
    p += n;
  }
  if (p !== hdr) return null;
  return fdt && u32be(d, off) !== 0xffffffff;
}

export default defineDissector<{ n: number }>({
  name: 'flute',
  protocols: [{ name: 'FLUTE', category: 'Download', kind: 'protocol', description: 'File Delivery over Unidirectional Transport (ALC/LCT)' }],
  transports: Transport.Udp,
  firstBytes: [0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f],
  maxPackets: 6,
  probe(d, off, len) {
    return lctFdt(d, off, len) !== null;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const f = lctFdt(d, off, len);
    if (f === null) return Verdict.NotMine;
    if (!f) return Verdict.Continue;
    ctx.setProtocol(ctx.protocolId('FLUTE'));
    return Verdict.Done;
  },
});
