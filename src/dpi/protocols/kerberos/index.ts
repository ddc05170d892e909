import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// Kerberos V5 (RFC 4120 §5): messages are DER-encoded ASN.1 with an APPLICATION tag —
// AS-REQ [10] 0x6a, AS-REP [11] 0x6b, TGS-REQ [12] 0x6c, TGS-REP [13] 0x6d, AP-REQ [14],
// AP-REP [15], KRB-SAFE [20], KRB-PRIV [21], KRB-CRED [22], KRB-ERROR [30] 0x7e — holding a
// SEQUENCE whose first fields are pvno [0] INTEGER 5 (KDC-REQ: [1] pvno, [2] msg-type) and
// msg-type. Over TCP each message is prefixed by its 4-byte length (§7.2.2). Principal names
// identify users and are not output; the realm is.

interface State {
  done: boolean;
}

const NAMES: Record<number, string> = { 10: 'AS-REQ', 11: 'AS-REP', 12: 'TGS-REQ', 13: 'TGS-REP', 14: 'AP-REQ', 15: 'AP-REP', 20: 'KRB-SAFE', 21: 'KRB-PRIV', 22: 'KRB-CRED', 30: 'KRB-ERROR' };

/** DER length at i: [value, header bytes] or null */
function derLen(d: Uint8Array, i: number, end: number): [number, number] | null {
  if (i >= end) return null;
  const b = d[i]!;
  if (b < 0x80) return [b, 1];
  const n = b & 0x7f;
  if (n === 0 || n > 3 || i + n >= end) return null;
  let v = 0;
  for (let k = 1; k <= n; k++) v = v * 256 + d[i + k]!;
  return [v, 1 + n];
}

/** a small context-tagged INTEGER [tag] at i: its value, or null */
function taggedInt(d: Uint8Array, i: number, end: number, tag: number): number | null {
  if (i + 5 > end || d[i] !== 0xa0 + tag || d[i + 1] !== 3 || d[i + 2] !== 2 || d[i + 3] !== 1) return null;
  return d[i + 4]!;
}

/** the message at d[off..off+len) (no TCP prefix): message type and realm, or null */
export function parseKerberos(d: Uint8Array, off: number, len: number): { type: number; realm: string | null } | null {
  const end = off + len;
  if (len < 16) return null;
  const tag = d[off]!;
  if ((tag & 0xe0) !== 0x60) return null;
  const type = tag & 0x1f;
  if (!NAMES[type]) return null;
  const l1 = derLen(d, off + 1, end);
  if (!l1) return null;
  let p = off + 1 + l1[1];
  if (d[p] !== 0x30) return null;
  const l2 = derLen(d, p + 1, end);
  if (!l2) return null;
  p += 1 + l2[1];
  // KDC-REQ (10, 12) starts at [1] pvno, the others at [0] pvno
  const isReq = type === 10 || type === 12;
  const pvno = taggedInt(d, p, end, isReq ? 1 : 0);
  if (pvno !== 5) return null;
  const mt = taggedInt(d, p + 5, end, isReq ? 2 : 1);
  if (mt !== type) return null;
  return { type, realm: findRealm(d, p + 10, end, type) };
}

/** the realm: [1] crealm in KDC-REP, [2] realm in KDC-REQ-BODY, [9] realm in KRB-ERROR; best effort */
function findRealm(d: Uint8Array, p: number, end: number, type: number): string | null {
  // walk the SEQUENCE fields looking for the wanted tag
  const wanted = type === 11 || type === 13 ? 0xa3 : type === 30 ? 0xa9 : type === 10 || type === 12 ? 0xa4 : -1;
  if (wanted < 0) return null;
  for (let n = 0; n < 12 && p < end; n++) {
    const t = d[p]!;
    const l = derLen(d, p + 1, end);
    if (!l) return null;
    const body = p + 1 + l[1];
    if (t === wanted) {
      if (type === 10 || type === 12) {
        // req-body SEQUENCE: kdc-options [0], cname [1] (optional), realm [2]
        if (d[body] !== 0x30) return null;
        const sl = derLen(d, body + 1, end);
        if (!sl) return null;
        return findRealmIn(d, body + 1 + sl[1], end, 0xa2);
      }
      return readString(d, body, end);
    }
    p = body + l[0];
  }
  return null;
}

function findRealmIn(d: Uint8Array, p: number, end: number, wanted: number): string | null {
  for (let n = 0; n < 6 && p < end; n++) {
    const t = d[p]!;
    const l = derLen(d, p + 1, end);
    if (!l) return null;
    const body = p + 1 + l[1];
    if (t === wanted) return readString(d, body, end);
    p = body + l[0];
  }
  return null;
}

/** a GeneralString (0x1b) at p */
function readString(d: Uint8Array, p: number, end: number): string | null {
  if (d[p] !== 0x1b) return null;
  const l = derLen(d, p + 1, end);
  if (!l || l[0] > 255) return null;
  const s = p + 1 + l[1];
  if (s + l[0] > end) return null;
  let out = '';
  for (let i = s; i < s + l[0]; i++) {
    const c = d[i]!;
    if (c < 0x20 || c > 0x7e) return null;
    out += String.fromCharCode(c);
  }
  return out;
}

export default defineDissector<State>({
  name: 'kerberos',
  protocols: [{ name: 'Kerberos', category: 'Network', kind: 'protocol', tcpPorts: [88], udpPorts: [88], description: 'Kerberos V5 authentication' }],
  transports: Transport.Tcp | Transport.Udp,
  maxPackets: 4,
  fields: [
    { name: 'message_type', type: 'string', description: 'the first Kerberos message (AS-REQ, TGS-REP, KRB-ERROR, …)' },
    { name: 'realm', type: 'string', description: 'the Kerberos realm' },
  ],
  probe(d, off, len, ctx) {
    if (ctx.l4 === 17) return len >= 16 && (d[off]! & 0xe0) === 0x60 && NAMES[d[off]! & 0x1f] !== undefined;
    if (len < 5) return d[off] === 0;
    return d[off] === 0 && (d[off + 4]! & 0xe0) === 0x60 && NAMES[d[off + 4]! & 0x1f] !== undefined;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    let m;
    if (ctx.l4 === 6) {
      if (len < 20) return Verdict.Continue;
      const rec = u32be(d, off);
      if (rec > 0x7fffffff || rec < 16) return Verdict.NotMine;
      m = parseKerberos(d, off + 4, Math.min(len - 4, rec));
    } else m = parseKerberos(d, off, len);
    if (!m) return ctx.l4 === 6 && len < 64 ? Verdict.Continue : Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Kerberos'));
    ctx.setField('message_type', NAMES[m.type]!);
    if (m.realm) ctx.setField('realm', m.realm);
    return Verdict.Done;
  },
});
