import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// IEC 60870-5-104 (§5): each APDU starts 0x68, the APDU length (4..253), then four control
// octets. I-format: bit 0 of octet 1 is 0 (send/receive sequence numbers, ASDU follows);
// S-format: octet 1 = 0x01, octet 2 = 0, length 4; U-format: octet 1 = 0b xx xx xx 11 with
// exactly one function bit (STARTDT/STOPDT/TESTFR act/con), octets 2..4 = 0, length 4.

interface State {
  done: boolean;
}

/** the APCI at off: 'I', 'S', 'U' or null */
export function apciFormat(d: Uint8Array, off: number, len: number): string | null {
  if (len < 6 || d[off] !== 0x68) return null;
  const l = d[off + 1]!;
  if (l < 4 || l > 253) return null;
  const c1 = d[off + 2]!;
  if ((c1 & 1) === 0) return l >= 4 + 6 && (d[off + 4]! & 1) === 0 ? 'I' : null;
  if ((c1 & 3) === 1) return l === 4 && c1 === 0x01 && d[off + 3] === 0 && (d[off + 4]! & 1) === 0 ? 'S' : null;
  const fn = c1 >> 2;
  if (l !== 4 || ![1, 2, 4, 8, 16, 32].includes(fn)) return null;
  return d[off + 3] === 0 && d[off + 4] === 0 && d[off + 5] === 0 ? 'U' : null;
}

export default defineDissector<State>({
  name: 'iec104',
  protocols: [{ name: 'IEC60870-5-104', ndpi: 'IEC60870', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [2404], description: 'IEC 60870-5-104 telecontrol (SCADA)' }],
  transports: Transport.Tcp,
  firstBytes: [0x68],
  maxPackets: 3,
  fields: [{ name: 'first_apdu', type: 'string', description: 'format of the first APDU: I, S or U' }],
  probe(d, off, len) {
    return len < 6 ? d[off] === 0x68 : apciFormat(d, off, len) !== null;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (len < 6) return Verdict.Continue;
    const f = apciFormat(d, off, len);
    if (!f) return Verdict.NotMine;
    // a second APDU right after the first confirms framing when the stream holds one
    const next = off + 2 + d[off + 1]!;
    if (next < off + len && next + 6 <= off + len && apciFormat(d, next, off + len - next) === null) return Verdict.NotMine;
    if (f !== 'U' && ctx.serverPort !== 2404 && ctx.clientPort !== 2404) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('IEC60870-5-104'));
    ctx.setField('first_apdu', f);
    return Verdict.Done;
  },
});
