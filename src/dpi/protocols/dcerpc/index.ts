import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be, u16le } from '../../helpers/text.js';

// DCE/RPC (The Open Group, "DCE 1.1: Remote Procedure Call", C706, chapter 12 "RPC PDU
// Encodings"; Microsoft [MS-RPCE] §2.2.2 for its additions such as rpc_auth_3).
//
// Connection-oriented (§12.6, TCP 135 and the dynamic ports the endpoint mapper hands out): every
// PDU starts with a 16-byte header — rpc_vers 5, rpc_vers_minor 0 or 1, PTYPE, pfc_flags, a
// 4-byte data representation whose first byte says the integer byte order (0x10 little-endian,
// 0x00 big-endian) and whose second the float format (0..3), frag_length (the whole PDU),
// auth_length and call_id. The body depends on PTYPE: bind/alter_context carry a presentation
// context list, bind_ack/alter_context_resp a secondary address and a result list, and so on;
// an auth verifier (8-byte sec_trailer + auth_length bytes) may end the PDU.
//
// Connectionless (§12.5, UDP 135): an 80-byte header — rpc_vers 4, PTYPE 0..10, two flag bytes,
// a 3-byte data representation, object/interface/activity UUIDs, sequence numbers, and the body
// length at offset 74 (in the data representation's byte order), auth_proto at 78.
//
// Only the version and the first PDU's type are output (no interface UUIDs, no stub data).

const PFC_FIRST_FRAG = 0x01;
const PFC_OBJECT_UUID = 0x80;
const CO_HEADER = 16;
const CL_HEADER = 80;
const SEC_TRAILER = 8;

const CO_TYPES: Readonly<Record<number, string>> = {
  0: 'request', 2: 'response', 3: 'fault', 11: 'bind', 12: 'bind_ack', 13: 'bind_nak', 14: 'alter_context',
  15: 'alter_context_resp', 16: 'auth3', 17: 'shutdown', 18: 'co_cancel', 19: 'orphaned', 20: 'rts',
};
const CL_TYPES = ['request', 'ping', 'response', 'fault', 'working', 'nocall', 'reject', 'ack', 'cl_cancel', 'fack', 'cancel_ack'];

export interface DcerpcPdu {
  version: string;
  ptype: string;
}

/** The integer byte order byte of a data representation: ASCII characters, either byte order. */
const knownIntegerRep = (b: number): boolean => b === 0x10 || b === 0x00;

/**
 * Could d[off..off+len) — possibly only a few bytes of it — start a connection-oriented PDU?
 * Looks at the constant part of the header only (probe-cheap).
 */
export function coHeaderPrefix(d: Uint8Array, off: number, len: number): boolean {
  if (d[off] !== 5) return false;
  if (len > 1 && d[off + 1]! > 1) return false;
  if (len > 2 && CO_TYPES[d[off + 2]!] === undefined) return false;
  if (len > 4 && !knownIntegerRep(d[off + 4]!)) return false;
  if (len > 5 && d[off + 5]! > 3) return false;
  return len <= 6 || (d[off + 6] === 0 && (len <= 7 || d[off + 7] === 0));
}

/**
 * The connection-oriented PDU at off: its version and type; null when the bytes contradict C706;
 * undefined when more of the fragment is needed to tell.
 */
export function coPdu(d: Uint8Array, off: number, len: number): DcerpcPdu | null | undefined {
  if (!coHeaderPrefix(d, off, len)) return null;
  if (len < CO_HEADER) return undefined;
  const le = d[off + 4] === 0x10;
  const u16 = (i: number): number => (le ? u16le(d, off + i) : u16be(d, off + i));
  const type = d[off + 2]!;
  const flags = d[off + 3]!;
  const fragLength = u16(8);
  const authLength = u16(10);
  // the body ends where the auth verifier (if any) begins
  const bodyEnd = authLength > 0 ? fragLength - authLength - SEC_TRAILER : fragLength;
  if (fragLength < CO_HEADER || bodyEnd < CO_HEADER) return null;
  /** is the fragment's body at least `n` bytes long (undefined: not arrived yet, but it could be) */
  const body = (n: number): boolean => CO_HEADER + n <= bodyEnd;
  const have = (n: number): boolean => n <= len;
  switch (type) {
    case 0: // request: alloc_hint, p_cont_id, opnum, then the object UUID when flagged
      if (!body(8 + ((flags & PFC_OBJECT_UUID) !== 0 ? 16 : 0))) return null;
      break;
    case 2: // response: alloc_hint, p_cont_id, cancel_count, reserved
      if (!body(8)) return null;
      break;
    case 3: // fault: as response, then the status
      if (!body(12)) return null;
      break;
    case 11: case 14: { // bind, alter_context: max_xmit_frag, max_recv_frag, assoc_group_id, contexts
      if ((flags & PFC_FIRST_FRAG) === 0 || !body(8 + 4)) return null;
      if (!have(CO_HEADER + 12)) return undefined;
      if (u16(16) === 0 || u16(18) === 0) return null;
      const contexts = d[off + 24]!;
      if (contexts === 0) return null;
      let p = CO_HEADER + 12;
      // each context: id, transfer syntax count (≥ 1), reserved, abstract syntax, transfer syntaxes
      for (let i = 0; i < contexts; i++) {
        if (p + 4 > bodyEnd) return null;
        if (!have(p + 4)) return undefined;
        const syntaxes = d[off + p + 2]!;
        if (syntaxes === 0) return null;
        p += 4 + 20 + 20 * syntaxes;
        if (p > bodyEnd) return null;
      }
      break;
    }
    case 12: case 15: { // bind_ack, alter_context_resp: fragment sizes, group, sec_addr, results
      if ((flags & PFC_FIRST_FRAG) === 0 || !body(8 + 2)) return null;
      if (!have(CO_HEADER + 10)) return undefined;
      const addrLength = u16(24);
      let p = CO_HEADER + 10 + addrLength;
      p += (4 - (p % 4)) % 4; // the result list is 4-byte aligned
      if (p + 4 > bodyEnd) return null;
      if (!have(p + 4)) return undefined;
      const results = d[off + p]!;
      p += 4;
      for (let i = 0; i < results; i++) {
        if (p + 24 > bodyEnd) return null;
        if (!have(p + 2)) return undefined;
        // acceptance, user_rejection, provider_rejection, and [MS-RPCE]'s negotiate_ack
        if (u16(p) > 3) return null;
        p += 24;
      }
      if (type === 12 && results === 0) return null;
      break;
    }
    case 13: // bind_nak: the provider's reject reason (then the versions it supports)
      if ((flags & PFC_FIRST_FRAG) === 0 || !body(2)) return null;
      break;
    case 16: // rpc_auth_3 ([MS-RPCE] §2.2.2.10): 4 bytes of pad, then an auth verifier it must have
      if (authLength === 0 || !body(4)) return null;
      break;
    case 20: // rts ([MS-RPCE] §2.2.3.6.1): flags and the number of commands
      if (!body(4)) return null;
      break;
    default: // shutdown, co_cancel, orphaned: header (and verifier) only
      break;
  }
  // a later PDU in the same stream starts with the version again
  if (len > fragLength && d[off + fragLength] !== 5) return null;
  return { version: `5.${d[off + 1]!}`, ptype: CO_TYPES[type]! };
}

/**
 * The PTYPE of a connectionless PDU filling the datagram (header and body; an auth verifier may
 * follow), -1 when it is not one.
 */
export function clPduType(d: Uint8Array, off: number, len: number): number {
  if (len < CL_HEADER || d[off] !== 4) return -1;
  const type = d[off + 1]!;
  if (type >= CL_TYPES.length) return -1;
  if (!knownIntegerRep(d[off + 4]!) || d[off + 5]! > 3 || d[off + 6] !== 0) return -1;
  const bodyLength = d[off + 4] === 0x10 ? u16le(d, off + 74) : u16be(d, off + 74);
  const authProto = d[off + 78]!;
  const end = CL_HEADER + bodyLength;
  return (authProto === 0 ? end === len : end < len) ? type : -1;
}

export default defineDissector<null>({
  name: 'dcerpc',
  protocols: [{ name: 'DCERPC', category: 'RPC', kind: 'protocol', tcpPorts: [135], udpPorts: [135], description: 'DCE/RPC (MS-RPCE), connection-oriented and connectionless' }],
  transports: Transport.Tcp | Transport.Udp,
  firstBytes: [4, 5],
  maxPackets: 6,
  fields: [
    { name: 'version', type: 'string', description: 'RPC protocol version: 5.0 or 5.1 (connection-oriented), 4 (connectionless)' },
    { name: 'first_pdu', type: 'string', description: 'type of the first PDU seen (bind, bind_ack, request, response, ping, …)' },
  ],
  probe(d, off, len, ctx) {
    return ctx.l4 === 17 ? clPduType(d, off, len) >= 0 : coHeaderPrefix(d, off, len);
  },
  createState() {
    return null;
  },
  inspect(_s, d, off, len, ctx) {
    let pdu: DcerpcPdu | null | undefined;
    if (ctx.l4 === 17) {
      const type = clPduType(d, off, len);
      pdu = type < 0 ? null : { version: '4', ptype: CL_TYPES[type]! };
    } else {
      if (ctx.gap) return Verdict.NotMine;
      pdu = coPdu(d, off, len);
    }
    if (pdu === undefined) return Verdict.Continue;
    if (pdu === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('DCERPC'));
    ctx.setField('version', pdu.version);
    ctx.setField('first_pdu', pdu.ptype);
    return Verdict.Done;
  },
});
