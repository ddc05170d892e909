import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// DRDA (Distributed Relational Database Architecture, Open Group DRDA vol. 3, "DSS"): every message
// is a Data Stream Structure. Its 6-byte header: a 2-byte big-endian length (the whole DSS, at
// least 10: header and the DDM object's own header), the magic 0xD0, a format byte (low nibble the
// DSS type: 1 request, 2 reply, 3 object, 4 communication, 5 encrypted object; flag 0x40 chained
// to a next DSS, 0x10 the next one shares the correlator), a 2-byte request correlator. The DDM
// object follows: its 2-byte length (the DSS length less the header's 6) and 2-byte codepoint
// (EXCSAT 0x1041, ACCSEC 0x106D, SECCHK 0x106E, ACCRDB 0x2001, EXCSATRD 0x1443…).

interface State {
  done: boolean;
}

/** The DSS and DDM headers at data[off..off+len): 0 not DRDA, 1 DRDA, -1 too short to tell. */
export function checkDss(d: Uint8Array, off: number, len: number): -1 | 0 | 1 {
  if (len >= 3 && d[off + 2] !== 0xd0) return 0;
  if (len < 10) return -1;
  const dssLen = u16be(d, off);
  if (dssLen < 10 || dssLen >= 0x8000) return 0; // the high bit marks a continuation, never a first DSS
  const fmt = d[off + 3]!;
  const type = fmt & 0x0f;
  if (type < 1 || type > 5 || (fmt & 0xa0) !== 0) return 0;
  if (u16be(d, off + 6) !== dssLen - 6) return 0;
  const cp = u16be(d, off + 8);
  if (cp < 0x1000 || cp > 0x2fff) return 0; // DDM code points of commands, replies and objects
  // a chained DSS is followed by another one, whose magic shows when it is already here
  if ((fmt & 0x40) !== 0 && len > dssLen + 2 && d[off + dssLen + 2] !== 0xd0) return 0;
  return 1;
}

export default defineDissector<State>({
  name: 'drda',
  protocols: [{ name: 'DRDA', category: 'Database', kind: 'protocol', tcpPorts: [446, 1527, 50000], description: 'IBM Distributed Relational Database Architecture (DB2, Derby)' }],
  transports: Transport.Tcp,
  maxPackets: 3,
  probe(d, off, len) {
    // a first payload too short to show the magic is refused (so it refutes a port guess of 50000,
    // a common ephemeral port)
    return len >= 3 && checkDss(d, off, len) !== 0;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    const r = checkDss(d, off, len);
    if (r < 0) return Verdict.Continue;
    if (r === 0) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('DRDA'));
    return Verdict.Done;
  },
});
