import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// RDP connection start ([MS-RDPBCGR] §2.2.1.1–2.2.1.2): a TPKT header (RFC 1006: version 3,
// reserved 0, 2-byte length) holding an X.224 Connection Request TPDU (RFC 905: length
// indicator, code 0xE0, dst-ref 0, src-ref, class 0), optionally a routing token or the
// "Cookie: mstshash=<user>" line — a user name, never output — then RDP_NEG_REQ (type 1, flags,
// length 8, requestedProtocols). The server answers with a Connection Confirm (0xD0) holding
// RDP_NEG_RSP (type 2, selectedProtocol) or RDP_NEG_FAILURE (type 3). X.224 requests with TSAP
// parameters (ISO-TSAP users such as S7) are not RDP.

interface State {
  requested: number;
}

const PROTOCOLS = ['rdp', 'ssl', 'hybrid', 'rdstls', 'hybrid_ex', '', '', '', 'rdsaad'];

function protocolNames(mask: number): string {
  if (mask === 0) return 'rdp';
  const out: string[] = [];
  for (let b = 0; b < 9; b++) if (mask & (1 << b) && PROTOCOLS[b + 1]) out.push(PROTOCOLS[b + 1]!);
  return out.join(',');
}

/** the X.224 TPDU inside a TPKT at off: code and where its variable part starts/ends, or null */
export function tpktX224(d: Uint8Array, off: number, len: number): { code: number; start: number; end: number } | null {
  if (len < 11 || d[off] !== 3 || d[off + 1] !== 0) return null;
  const tl = u16be(d, off + 2);
  if (tl < 11 || tl > len) return null;
  const li = d[off + 4]!;
  if (li < 6 || 5 + li > tl) return null;
  return { code: d[off + 5]! & 0xf0, start: off + 11, end: off + tl };
}

export default defineDissector<State>({
  name: 'rdp',
  protocols: [{ name: 'RDP', category: 'RemoteAccess', kind: 'protocol', tcpPorts: [3389], udpPorts: [3389], description: 'Remote Desktop Protocol' }],
  transports: Transport.Tcp,
  firstBytes: [0x03],
  maxPackets: 4,
  fields: [
    { name: 'requested_protocols', type: 'string', description: 'security protocols the client offers (rdp, ssl, hybrid, …)' },
    { name: 'selected_protocol', type: 'string', description: 'the security protocol the server picked' },
  ],
  probe(d, off, len) {
    return len < 2 ? d[off] === 3 : d[off] === 3 && d[off + 1] === 0;
  },
  createState() {
    return { requested: -1 };
  },
  inspect(s, d, off, len, ctx) {
    if (len < 11) return Verdict.Continue;
    const t = tpktX224(d, off, len);
    if (!t) return len < 4 || u16be(d, off + 2) > len ? Verdict.Continue : Verdict.NotMine;
    if (ctx.dir === 0) {
      if (s.requested >= 0) return Verdict.Continue;
      if (t.code !== 0xe0 || d[off + 6] !== 0 || d[off + 7] !== 0 || (d[off + 10]! & 0xf0) !== 0) return Verdict.NotMine;
      // variable part: TSAP parameters (0xC0..0xC2) mean another ISO transport user
      if (t.start < t.end && d[t.start]! >= 0xc0 && d[t.start]! <= 0xc2) return Verdict.NotMine;
      // RDP_NEG_REQ in the last 8 bytes, after any cookie line
      let requested = 0;
      const neg = t.end - 8;
      if (neg >= t.start && d[neg] === 1 && d[neg + 2] === 8 && d[neg + 3] === 0) requested = d[neg + 4]! | (d[neg + 5]! << 8);
      else if (t.start < t.end && d[t.start] !== 0x43 /* 'C'ookie */ && d[t.start] !== 0x74 /* routing token */) return Verdict.NotMine;
      s.requested = requested;
      ctx.setField('requested_protocols', protocolNames(requested));
      ctx.setProtocol(ctx.protocolId('RDP'));
      ctx.addRisk('desktop_or_file_sharing', 'RDP');
      return Verdict.Continue;
    }
    if (t.code !== 0xd0) return s.requested >= 0 ? Verdict.Done : Verdict.NotMine;
    const neg = t.start;
    if (neg + 8 <= t.end && d[neg] === 2) ctx.setField('selected_protocol', protocolNames(d[neg + 4]! | (d[neg + 5]! << 8)));
    ctx.setProtocol(ctx.protocolId('RDP'));
    ctx.addRisk('desktop_or_file_sharing', 'RDP');
    return Verdict.Done;
  },
});
