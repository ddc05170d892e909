import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// HL7 version 2 over MLLP (HL7 "Minimal Lower Layer Protocol", Appendix C of HL7 v2.x): a
// message is framed by a start block 0x0B and an end block 0x1C 0x0D; the message itself starts
// with the MSH segment: "MSH", the field separator (usually '|') and the encoding characters
// (usually "^~\&"). Message content is health data and is never output.

export function isMllpHl7(d: Uint8Array, off: number, len: number): boolean {
  if (len < 9 || d[off] !== 0x0b) return false;
  if (d[off + 1] !== 0x4d || d[off + 2] !== 0x53 || d[off + 3] !== 0x48) return false;
  const sep = d[off + 4]!;
  if (sep < 0x21 || sep > 0x7e) return false;
  // four encoding characters, punctuation, distinct from the separator, then the separator
  for (let i = 5; i < 9; i++) {
    const c = d[off + i]!;
    if (c === sep) return i >= 7 && d[off + i] === sep;
    if (c < 0x21 || c > 0x7e || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return false;
  }
  return len > 9 ? d[off + 9] === sep : true;
}

export default defineDissector<{ n: number }>({
  name: 'hl7',
  protocols: [{ name: 'HL7', category: 'RPC', kind: 'protocol', tcpPorts: [2575], description: 'Health Level Seven v2 over MLLP' }],
  transports: Transport.Tcp,
  firstBytes: [0x0b],
  maxPackets: 2,
  probe(d, off, len) {
    return len < 2 || d[off + 1] === 0x4d;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (len < 10) return Verdict.Continue;
    if (!isMllpHl7(d, off, len)) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('HL7'));
    return Verdict.Done;
  },
});
