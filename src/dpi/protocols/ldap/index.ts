import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// LDAP (RFC 4511 §4.1–4.14, with the BER rules of X.690 as restricted by RFC 4511 §5.1: definite
// lengths only, short or long form) and CLDAP over UDP (RFC 1798; Active Directory's "LDAP ping"
// is an LDAPv3 SearchRequest in one datagram, answered by SearchResultEntry + SearchResultDone).
// Every message is an LDAPMessage SEQUENCE { messageID INTEGER (0..2^31-1), protocolOp
// [APPLICATION n], controls [0] OPTIONAL }. LDAPv2 (RFC 1777) shares these tags; RFC 1798's
// requests carry an extra `user` DN before protocolOp and its answers wrap entries in a SEQUENCE.
// Only the operation of the first message and the bind version are output: never DNs,
// attribute values or credentials.

const MORE = 'more' as const;
type Check = 'ok' | typeof MORE | 'bad';

interface Tlv {
  tag: number;
  /** first content byte */
  start: number;
  /** end of the content (may lie beyond the bytes received so far) */
  end: number;
}

/**
 * The TLV at p, which must fit inside its parent (which ends at `limit`); `avail` is where the
 * bytes received so far end. MORE when the tag or length bytes are not all here yet.
 */
function readTlv(d: Uint8Array, p: number, limit: number, avail: number): Tlv | typeof MORE | null {
  if (p >= limit) return null;
  if (p + 1 >= avail) return MORE;
  const tag = d[p]!;
  // LDAP uses no tag numbers above 30 (no high-tag-number form)
  if ((tag & 0x1f) === 0x1f) return null;
  const first = d[p + 1]!;
  let len: number;
  let start: number;
  if (first < 0x80) {
    len = first;
    start = p + 2;
  } else {
    const n = first & 0x7f;
    // 0x80 is the indefinite form, which RFC 4511 §5.1 rules out; lengths beyond 4 bytes do not occur
    if (n === 0 || n > 4) return null;
    if (p + 2 + n > avail) return MORE;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + d[p + 2 + i]!;
    start = p + 2 + n;
  }
  if (start + len > limit) return null;
  return { tag, start, end: start + len };
}

const REQUESTS: Record<number, string> = {
  0x60: 'bind_request', 0x42: 'unbind_request', 0x63: 'search_request', 0x66: 'modify_request', 0x68: 'add_request',
  0x4a: 'delete_request', 0x6c: 'modify_dn_request', 0x6e: 'compare_request', 0x50: 'abandon_request', 0x77: 'extended_request',
};
const RESPONSES: Record<number, string> = {
  0x61: 'bind_response', 0x64: 'search_result_entry', 0x65: 'search_result_done', 0x73: 'search_result_reference',
  0x67: 'modify_response', 0x69: 'add_response', 0x6b: 'delete_response', 0x6d: 'modify_dn_response',
  0x6f: 'compare_response', 0x78: 'extended_response', 0x79: 'intermediate_response',
};
const LDAP_RESULT_OPS = new Set([0x61, 0x65, 0x67, 0x69, 0x6b, 0x6d, 0x6f, 0x78]);

/** resultCode values of RFC 4511 §4.1.9 and the extensions registered with IANA (cancel, assertion, sync) */
function knownResultCode(v: number): boolean {
  return (v >= 0 && v <= 8) || (v >= 10 && v <= 21) || (v >= 32 && v <= 36) || (v >= 48 && v <= 54) ||
    (v >= 64 && v <= 71) || v === 80 || (v >= 118 && v <= 123) || v === 4096;
}

const START_TLS_OID = '1.3.6.1.4.1.1466.20037';

/** Walks the children of [start, end) expecting `tags` in order; `tags[i]` may list alternatives. */
function expectChildren(d: Uint8Array, start: number, end: number, avail: number, tags: readonly (readonly number[])[]): Check | Tlv[] {
  const out: Tlv[] = [];
  let p = start;
  for (const alternatives of tags) {
    const t = readTlv(d, p, end, avail);
    if (t === MORE) return MORE;
    if (t === null || !alternatives.includes(t.tag)) return 'bad';
    out.push(t);
    p = t.end;
  }
  return out;
}

function smallUnsigned(d: Uint8Array, t: Tlv, avail: number, maxBytes: number): number | typeof MORE | null {
  const n = t.end - t.start;
  if (n < 1 || n > maxBytes) return null;
  if (t.end > avail) return MORE;
  let v = 0;
  for (let i = t.start; i < t.end; i++) v = v * 256 + d[i]!;
  return v;
}

/** The fixed leading fields of each operation (RFC 4511 §4.2–4.14). */
function checkOperation(d: Uint8Array, op: Tlv, avail: number): Check {
  const { tag } = op;
  const primitive = (tag & 0x20) === 0;
  if (tag === 0x42) return op.end === op.start ? 'ok' : 'bad'; // UnbindRequest ::= NULL
  if (tag === 0x50) return op.end - op.start >= 1 && op.end - op.start <= 4 ? 'ok' : 'bad'; // AbandonRequest ::= MessageID
  if (tag === 0x4a) return 'ok'; // DelRequest ::= LDAPDN
  if (primitive) return 'bad';
  if (op.end === op.start) return 'bad';
  if (tag === 0x60) {
    const c = expectChildren(d, op.start, op.end, avail, [[0x02], [0x04], [0x80, 0x81, 0x82, 0xa3]]);
    if (!Array.isArray(c)) return c;
    const version = smallUnsigned(d, c[0]!, avail, 1);
    if (version === MORE) return MORE;
    // RFC 1777 and RFC 4511 define versions 2 and 3 (v1 was never deployed)
    if (version !== 2 && version !== 3) return 'bad';
    return c[2]!.end === op.end ? 'ok' : 'bad';
  }
  if (LDAP_RESULT_OPS.has(tag)) {
    const c = expectChildren(d, op.start, op.end, avail, [[0x0a], [0x04], [0x04]]);
    if (!Array.isArray(c)) return c;
    const code = smallUnsigned(d, c[0]!, avail, 2);
    if (code === MORE) return MORE;
    if (code === null || !knownResultCode(code)) return 'bad';
    // what may follow: referral [3], BindResponse's serverSaslCreds [7], ExtendedResponse's name [10] / value [11]
    let p = c[2]!.end;
    while (p < op.end) {
      const t = readTlv(d, p, op.end, avail);
      if (t === MORE) return 'ok';
      if (t === null || (t.tag !== 0xa3 && t.tag !== 0x87 && t.tag !== 0x8a && t.tag !== 0x8b)) return 'bad';
      p = t.end;
    }
    return 'ok';
  }
  if (tag === 0x63) {
    const c = expectChildren(d, op.start, op.end, avail, [[0x04], [0x0a], [0x0a], [0x02], [0x02], [0x01]]);
    if (!Array.isArray(c)) return c;
    const scope = smallUnsigned(d, c[1]!, avail, 1);
    const deref = smallUnsigned(d, c[2]!, avail, 1);
    if (scope === MORE || deref === MORE) return MORE;
    // scope 3 is subordinateSubtree (draft-sermersheim-ldap-subordinate-scope), widely implemented
    if (scope === null || scope > 3 || deref === null || deref > 3 || c[5]!.end - c[5]!.start !== 1) return 'bad';
    const filter = readTlv(d, c[5]!.end, op.end, avail);
    if (filter === MORE) return MORE;
    // and [0] or [1] not [2] equality [3] substrings [4] >= [5] <= [6] present [7] approx [8] extensible [9]
    if (filter === null || !(filter.tag === 0x87 || (filter.tag >= 0xa0 && filter.tag <= 0xa9 && filter.tag !== 0xa7))) return 'bad';
    return 'ok';
  }
  const layouts: Record<number, readonly (readonly number[])[]> = {
    0x64: [[0x04], [0x30]], // SearchResultEntry: objectName, attributes
    0x73: [[0x04]], // SearchResultReference: URIs
    0x66: [[0x04], [0x30]], // ModifyRequest: object, changes
    0x68: [[0x04], [0x30]], // AddRequest: entry, attributes
    0x6c: [[0x04], [0x04], [0x01]], // ModifyDNRequest: entry, newrdn, deleteoldrdn
    0x6e: [[0x04], [0x30]], // CompareRequest: entry, ava
  };
  const layout = layouts[tag];
  if (layout) {
    const c = expectChildren(d, op.start, op.end, avail, layout);
    return Array.isArray(c) ? 'ok' : c;
  }
  if (tag === 0x77) {
    const c = expectChildren(d, op.start, op.end, avail, [[0x80]]);
    if (!Array.isArray(c)) return c;
    const oid = c[0]!;
    if (oid.end > avail) return MORE;
    if (oid.end === oid.start) return 'bad';
    for (let i = oid.start; i < oid.end; i++) {
      const ch = d[i]!;
      if (ch !== 0x2e && (ch < 0x30 || ch > 0x39)) return 'bad';
    }
    return 'ok';
  }
  if (tag === 0x79) {
    // IntermediateResponse: optional responseName [0] and responseValue [1]
    const t = readTlv(d, op.start, op.end, avail);
    if (t === MORE) return MORE;
    return t !== null && (t.tag === 0x80 || t.tag === 0x81) ? 'ok' : 'bad';
  }
  return 'bad';
}

export interface LdapMessage {
  op: number;
  /** where the message ends (possibly beyond the bytes received) */
  end: number;
  bindVersion: number | null;
  startTls: boolean;
  /** for a result: its resultCode */
  resultCode: number | null;
}

/**
 * One LDAPMessage at d[off..off+len): the message, MORE when its leading fields are not all
 * here, null when it contradicts RFC 4511. `cldap` admits RFC 1798's forms.
 */
export function parseLdapMessage(d: Uint8Array, off: number, len: number, cldap: boolean): LdapMessage | typeof MORE | null {
  const avail = off + len;
  if (len < 1) return MORE;
  if (d[off] !== 0x30) return null;
  const seq = readTlv(d, off, Number.MAX_SAFE_INTEGER, avail);
  if (seq === MORE) return MORE;
  if (seq === null || seq.end - seq.start < 5 || seq.end - seq.start > 0x1000000) return null;
  const id = readTlv(d, seq.start, seq.end, avail);
  if (id === MORE) return MORE;
  if (id === null || id.tag !== 0x02 || id.end - id.start < 1 || id.end - id.start > 5) return null;
  if (id.end > avail) return MORE;
  // MessageID ::= INTEGER (0 .. maxInt): never negative, at most 2^31-1
  if (d[id.start]! & 0x80) return null;
  if (id.end - id.start === 5 && d[id.start] !== 0) return null;
  let p = id.end;
  let op = readTlv(d, p, seq.end, avail);
  if (op === MORE) return MORE;
  if (op === null) return null;
  if (cldap && op.tag === 0x04) {
    // RFC 1798: the requester's DN precedes the operation
    p = op.end;
    op = readTlv(d, p, seq.end, avail);
    if (op === MORE) return MORE;
    if (op === null || (op.tag !== 0x63 && op.tag !== 0x50)) return null;
  }
  if (cldap && op.tag === 0x30) {
    // RFC 1798's answer: SEQUENCE OF entries then the result
    const inner = readTlv(d, op.start, op.end, avail);
    if (inner === MORE) return MORE;
    if (inner === null || (inner.tag !== 0x64 && inner.tag !== 0x65)) return null;
    const c = checkOperation(d, inner, avail);
    if (c !== 'ok') return c === MORE ? MORE : null;
    return { op: inner.tag, end: seq.end, bindVersion: null, startTls: false, resultCode: null };
  }
  if (REQUESTS[op.tag] === undefined && RESPONSES[op.tag] === undefined) return null;
  const checked = checkOperation(d, op, avail);
  if (checked !== 'ok') return checked === MORE ? MORE : null;
  // only controls [0] may follow the operation
  if (op.end < seq.end) {
    if (seq.end - op.end < 2) return null;
    const controls = readTlv(d, op.end, seq.end, avail);
    if (controls === null || (controls !== MORE && (controls.tag !== 0xa0 || controls.end !== seq.end))) return null;
  }
  let bindVersion: number | null = null;
  let startTls = false;
  let resultCode: number | null = null;
  if (op.tag === 0x60) bindVersion = d[(readTlv(d, op.start, op.end, avail) as Tlv).start]!;
  if (op.tag === 0x77) {
    const oid = readTlv(d, op.start, op.end, avail) as Tlv;
    startTls = oid.end - oid.start === START_TLS_OID.length && String.fromCharCode(...d.subarray(oid.start, oid.end)) === START_TLS_OID;
  }
  if (LDAP_RESULT_OPS.has(op.tag)) {
    const code = readTlv(d, op.start, op.end, avail) as Tlv;
    resultCode = smallUnsigned(d, code, avail, 2) as number;
  }
  return { op: op.tag, end: seq.end, bindVersion, startTls, resultCode };
}

interface State {
  /** a StartTLS request was sent, its answer is awaited */
  startTlsPending: boolean;
  named: boolean;
}

export default defineDissector<State>({
  name: 'ldap',
  protocols: [{ name: 'LDAP', category: 'System', kind: 'protocol', tcpPorts: [389, 3268], udpPorts: [389], description: 'Lightweight Directory Access Protocol (and CLDAP)' }],
  transports: Transport.Tcp | Transport.Udp,
  firstBytes: [0x30],
  // a first message split into small segments is decided once its leading fields are all here
  maxPackets: 16,
  zeekTlsUpgrade: 'starttls',
  fields: [
    { name: 'operation', type: 'string', description: 'the operation of the first message seen, e.g. bind_request, search_request' },
    { name: 'version', type: 'int', description: 'the LDAP version a BindRequest asks for (2 or 3)' },
    { name: 'starttls', type: 'bool', description: 'the session was upgraded to TLS with the StartTLS extended operation' },
  ],
  probe(d, off, len) {
    if (d[off] !== 0x30) return false;
    if (len < 2) return true;
    const l = d[off + 1]!;
    // short form, or a long form of 1 to 4 length bytes (never indefinite)
    if (l === 0x80 || l > 0x84 || (l < 0x80 && l < 5)) return false;
    const idAt = off + 2 + (l & 0x80 ? l & 0x7f : 0);
    return idAt >= off + len || d[idAt] === 0x02;
  },
  createState() {
    return { startTlsPending: false, named: false };
  },
  inspect(s, d, off, len, ctx) {
    const udp = ctx.l4 === 17;
    const m = parseLdapMessage(d, off, len, udp);
    if (m === MORE) return udp ? Verdict.NotMine : Verdict.Continue;
    if (m === null) return s.named ? Verdict.Done : Verdict.NotMine;
    if (!s.named) {
      s.named = true;
      ctx.setProtocol(ctx.protocolId('LDAP'));
      ctx.setField('operation', REQUESTS[m.op] ?? RESPONSES[m.op]!);
      if (m.bindVersion !== null) ctx.setField('version', m.bindVersion);
    }
    if (udp) return Verdict.Done;
    // a StartTLS request is answered by an ExtendedResponse; on success TLS begins (RFC 4511 §4.14)
    if (m.startTls) {
      s.startTlsPending = true;
      return Verdict.Continue;
    }
    if (s.startTlsPending) {
      // the server's stream from its start: its answer may follow earlier messages of the session
      let p = off;
      for (;;) {
        const r = parseLdapMessage(d, p, off + len - p, false);
        if (r === MORE || r === null) return r === MORE ? Verdict.Continue : Verdict.Done;
        if (r.op === 0x78) {
          if (r.resultCode !== 0) return Verdict.Done;
          ctx.setField('starttls', true);
          ctx.startDissector('tls');
          return Verdict.Done;
        }
        if (r.end >= off + len) return Verdict.Continue;
        p = r.end;
      }
    }
    return Verdict.Done;
  },
});
