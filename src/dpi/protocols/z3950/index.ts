import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// Z39.50 (ANSI/NISO Z39.50-2003, ISO 23950) over TCP port 210: each PDU is one BER-encoded choice
// of context-tagged, constructed elements: initRequest [20] (0xB4), initResponse [21] (0xB5),
// searchRequest [22] (0xB6), searchResponse [23] (0xB7), presentRequest [24] (0xB8),
// presentResponse [25] (0xB9), close [48] (high tag form: 0xBF 0x30). A definite length follows;
// the PDU's members are context tagged too (referenceId [2] 0x82, protocolVersion [3] 0x83,
// smallSetUpperBound [13] 0x8D…). Only looked for with port 210 on either side.

interface State {
  done: boolean;
}

const PORT = 210;

function isPduTag(d: Uint8Array, i: number, end: number): boolean {
  const t = d[i]!;
  if (t >= 0xb4 && t <= 0xb9) return true;
  return t === 0xbf && (i + 1 >= end || d[i + 1] === 0x30);
}

/**
 * The BER definite length at d[i]: its value in out.v and the index after it in out.next; -1 when
 * cut at `end`, 0 when not one (indefinite, or more than 3 length bytes).
 */
function berLength(d: Uint8Array, i: number, end: number, out: { v: number; next: number }): -1 | 0 | 1 {
  if (i >= end) return -1;
  const b = d[i]!;
  if (b < 0x80) {
    out.v = b;
    out.next = i + 1;
    return 1;
  }
  const n = b & 0x7f;
  if (n === 0 || n > 3) return 0;
  if (i + 1 + n > end) return -1;
  let v = 0;
  for (let k = 1; k <= n; k++) v = v * 256 + d[i + k]!;
  out.v = v;
  out.next = i + 1 + n;
  return 1;
}

const pdu = { v: 0, next: 0 };
const inner = { v: 0, next: 0 };

/** A Z39.50 PDU at data[off..off+len): 0 not one, 1 one, -1 cut short. */
export function checkPdu(d: Uint8Array, off: number, len: number): -1 | 0 | 1 {
  const end = off + len;
  if (len < 1) return -1;
  if (!isPduTag(d, off, end)) return 0;
  const tagLen = d[off] === 0xbf ? 2 : 1;
  if (len < tagLen + 1) return -1;
  let r = berLength(d, off + tagLen, end, pdu);
  if (r <= 0) return r;
  const bodyStart = pdu.next;
  const pduEnd = bodyStart + pdu.v;
  if (pdu.v < 2) return 0; // at least one member
  if (bodyStart + 2 > end) return -1;
  // the first member: a context-class tag whose length fits in the PDU
  const m = d[bodyStart]!;
  if ((m & 0xc0) !== 0x80) return 0;
  let at = bodyStart + 1;
  if ((m & 0x1f) === 0x1f) {
    // high tag number: base-128 bytes, the last without its top bit
    let k = 0;
    while (at < end && (d[at]! & 0x80) !== 0 && k < 3) {
      at++;
      k++;
    }
    if (at >= end) return -1;
    if ((d[at]! & 0x80) !== 0) return 0;
    at++;
  }
  r = berLength(d, at, end, inner);
  if (r <= 0) return r;
  if (inner.next + inner.v > pduEnd) return 0;
  // the PDU ends with the segment, or another PDU starts right after it; longer: more is coming
  if (pduEnd > end) return -1;
  if (pduEnd < end && !isPduTag(d, pduEnd, end)) return 0;
  return 1;
}

export default defineDissector<State>({
  name: 'z3950',
  protocols: [{ name: 'Z3950', category: 'Network', kind: 'protocol', tcpPorts: [PORT], description: 'Z39.50 information retrieval (library catalogues)' }],
  transports: Transport.Tcp,
  firstBytes: [0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xbf],
  maxPackets: 3,
  probe(d, off, len, ctx) {
    if (ctx.serverPort !== PORT && ctx.clientPort !== PORT) return false;
    return checkPdu(d, off, len) !== 0;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.serverPort !== PORT && ctx.clientPort !== PORT) return Verdict.NotMine;
    const r = checkPdu(d, off, len);
    if (r < 0) return Verdict.Continue;
    if (r === 0) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Z3950'));
    return Verdict.Done;
  },
});
