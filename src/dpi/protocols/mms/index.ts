import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';
import { COTP_CC, COTP_CR, COTP_DT, probeIsoOnTcp, readCotpUnit, TPKT_VERSION } from '../../helpers/iso-on-tcp.js';

// ISO 9506 MMS (Manufacturing Message Specification; IEC 61850-8-1 maps it), TCP 102, over the
// OSI upper-layer stack on ISO-on-TCP:
// - RFC 1006 TPKT (version 3, reserved 0, u16 length) and ISO 8073 COTP class 0: CR 0xE0 and
//   CC 0xD0 set the connection up; DT 0xF0 carries a TSDU, possibly in several units, the last
//   marked by bit 0x80 of the byte after the code.
// - ISO 8327-1 session: an SPDU is SI, LI (one byte, or 0xFF and two), parameters (PGI/PI: code,
//   length, value). CONNECT (SI 13) and ACCEPT (SI 14) carry the presentation PDU in their User
//   Data parameter (PGI 193); once connected, a TSDU starts with Give-Tokens (SI 1, LI 0) and
//   Data Transfer (SI 1, LI 0), the presentation PDU following them.
// - ISO 8823 presentation: CP-type / CPA-PPDU is a SET (0x31) whose normal-mode-parameters [2]
//   end in User-data; data transfer is User-data alone. Fully-encoded-data [APPLICATION 1] is a
//   list of PDV-list SEQUENCEs: transfer syntax (optional), presentation-context-identifier,
//   then single-ASN1-type [0] holding the upper PDU.
// - ISO 8650 ACSE: AARQ [APPLICATION 0] / AARE [APPLICATION 1] whose user-information [30]
//   holds an EXTERNAL (0x28) whose single-ASN1-type [0] is the MMS PDU.
// - ISO 9506-2 MMS PDUs: initiate-Request [8], -Response [9], -Error [10] inside the ACSE;
//   confirmed-Request [0], -Response [1], -Error [2] (each starting with the invokeID INTEGER),
//   unconfirmed [3], conclude-Request [11] and -Response [12] (NULL) in data transfer.
// The flow is named only when the MMS PDU tag sits where these layers put it, every BER length
// on the way fitting its parent. S7comm and S7CommPlus share TPKT/COTP on port 102; their DT
// data starts 0x32 / 0x72, never a session SPDU.

const SPDU_CONNECT = 13;
const SPDU_ACCEPT = 14;
const SPDU_DATA = 1;
const PGI_USER_DATA = 193;
const BER_SET = 0x31;
const BER_SEQUENCE = 0x30;
const BER_INTEGER = 0x02;
const BER_OID = 0x06;
const BER_EXTERNAL = 0x28;
const PRESENTATION_NORMAL_MODE = 0xa2;
const PRESENTATION_FULLY_ENCODED = 0x61;
const SINGLE_ASN1_TYPE = 0xa0;
const ACSE_AARQ = 0x60;
const ACSE_AARE = 0x61;
const ACSE_USER_INFORMATION = 0xbe;
/** the longest TSDU gathered from COTP units before deciding */
const MAX_TSDU = 16384;

const INITIATE_PDUS: ReadonlyMap<number, string> = new Map([
  [0xa8, 'initiate-Request'],
  [0xa9, 'initiate-Response'],
  [0xaa, 'initiate-Error'],
]);
const CONFIRMED_PDUS: ReadonlyMap<number, string> = new Map([
  [0xa0, 'confirmed-Request'],
  [0xa1, 'confirmed-Response'],
  [0xa2, 'confirmed-Error'],
]);

interface Tlv {
  tag: number;
  /** content start and end */
  start: number;
  end: number;
}

/** one BER TLV at d[p..end) with a one-byte tag and a definite length, or null */
function tlv(d: Uint8Array, p: number, end: number): Tlv | null {
  if (p + 2 > end) return null;
  const tag = d[p]!;
  if ((tag & 0x1f) === 0x1f) return null; // no tag number here needs more than one byte
  let n = d[p + 1]!;
  let start = p + 2;
  if (n & 0x80) {
    const bytes = n & 0x7f;
    if (bytes === 0 || bytes > 3 || start + bytes > end) return null; // indefinite or absurd
    n = 0;
    for (let i = 0; i < bytes; i++) n = n * 256 + d[start + i]!;
    start += bytes;
  }
  if (start + n > end) return null;
  return { tag, start, end: start + n };
}

/** the TLVs filling d[p..end) exactly, or null */
function children(d: Uint8Array, p: number, end: number): Tlv[] | null {
  const out: Tlv[] = [];
  while (p < end) {
    const t = tlv(d, p, end);
    if (t === null || out.length > 64) return null;
    out.push(t);
    p = t.end;
  }
  return out;
}

/** single-ASN1-type [0] of the first PDV-list of fully-encoded-data, or null */
function presentationData(d: Uint8Array, userData: Tlv): Tlv | null {
  if (userData.tag !== PRESENTATION_FULLY_ENCODED) return null;
  const lists = children(d, userData.start, userData.end);
  if (lists === null || lists.length === 0 || lists[0]!.tag !== BER_SEQUENCE) return null;
  const pdv = children(d, lists[0]!.start, lists[0]!.end);
  if (pdv === null) return null;
  let i = 0;
  if (pdv[i]?.tag === BER_OID) i++; // transfer-syntax-name
  if (pdv[i]?.tag !== BER_INTEGER) return null; // presentation-context-identifier
  const value = pdv[i + 1];
  return value?.tag === SINGLE_ASN1_TYPE && pdv.length === i + 2 ? value : null;
}

/** the MMS initiate PDU in an ACSE AARQ / AARE's user-information, or null */
function acseInitiate(d: Uint8Array, apdu: Tlv): string | null {
  if (apdu.tag !== ACSE_AARQ && apdu.tag !== ACSE_AARE) return null;
  const fields = children(d, apdu.start, apdu.end);
  const info = fields?.find((f) => f.tag === ACSE_USER_INFORMATION);
  if (!info) return null;
  const externals = children(d, info.start, info.end);
  if (externals === null || externals[0]?.tag !== BER_EXTERNAL) return null;
  const parts = children(d, externals[0].start, externals[0].end);
  const encoding = parts?.[parts.length - 1];
  if (!encoding || encoding.tag !== SINGLE_ASN1_TYPE) return null;
  const mms = children(d, encoding.start, encoding.end);
  if (mms === null || mms.length !== 1) return null;
  const name = INITIATE_PDUS.get(mms[0]!.tag);
  // an initiate PDU is a SEQUENCE of parameters: they must parse too
  return name !== undefined && children(d, mms[0]!.start, mms[0]!.end) !== null ? name : null;
}

/** an MMS PDU in data transfer (inside single-ASN1-type), or null */
function transferPdu(d: Uint8Array, value: Tlv): string | null {
  const mms = children(d, value.start, value.end);
  if (mms === null || mms.length !== 1) return null;
  const pdu = mms[0]!;
  const confirmed = CONFIRMED_PDUS.get(pdu.tag);
  if (confirmed !== undefined) {
    const inner = children(d, pdu.start, pdu.end);
    return inner !== null && inner[0]?.tag === BER_INTEGER && inner.length >= 2 ? confirmed : null;
  }
  if (pdu.tag === 0xa3) return pdu.end > pdu.start && children(d, pdu.start, pdu.end) !== null ? 'unconfirmed' : null;
  if ((pdu.tag === 0x8b || pdu.tag === 0x8c) && pdu.end === pdu.start) return pdu.tag === 0x8b ? 'conclude-Request' : 'conclude-Response';
  return null;
}

/** session SPDU length indicator at d[p]: [value, bytes], or null */
function sessionLength(d: Uint8Array, p: number, end: number): [number, number] | null {
  if (p >= end) return null;
  if (d[p] !== 0xff) return [d[p]!, 1];
  return p + 3 <= end ? [u16be(d, p + 1), 3] : null;
}

/** the MMS PDU a TSDU (one whole session unit) carries: its name, or null */
export function mmsInTsdu(d: Uint8Array, p: number, end: number): string | null {
  if (end - p < 4) return null;
  const si = d[p]!;
  if (si === SPDU_DATA) {
    // Give-Tokens then Data Transfer, both without parameters, then the presentation data
    if (d[p + 1] !== 0 || d[p + 2] !== SPDU_DATA || d[p + 3] !== 0) return null;
    const userData = tlv(d, p + 4, end);
    if (userData === null || userData.end !== end) return null;
    const value = presentationData(d, userData);
    return value === null ? null : transferPdu(d, value);
  }
  if (si !== SPDU_CONNECT && si !== SPDU_ACCEPT) return null;
  const li = sessionLength(d, p + 1, end);
  if (li === null) return null;
  let q = p + 1 + li[1];
  const spduEnd = q + li[0];
  if (spduEnd > end) return null;
  while (q < spduEnd) {
    const code = d[q]!;
    const n = sessionLength(d, q + 1, spduEnd);
    if (n === null) return null;
    const value = q + 1 + n[1];
    if (value + n[0] > spduEnd) return null;
    if (code === PGI_USER_DATA) return connectUserData(d, value, value + n[0]);
    q = value + n[0];
  }
  return null;
}

/** CP-type / CPA-PPDU: SET with normal-mode-parameters [2] ending in user data that holds the ACSE APDU */
function connectUserData(d: Uint8Array, p: number, end: number): string | null {
  const set = tlv(d, p, end);
  if (set === null || set.tag !== BER_SET || set.end !== end) return null;
  const modeAndParameters = children(d, set.start, set.end);
  const normal = modeAndParameters?.find((t) => t.tag === PRESENTATION_NORMAL_MODE);
  if (!normal) return null;
  const parameters = children(d, normal.start, normal.end);
  const userData = parameters?.[parameters.length - 1];
  if (!userData) return null;
  const value = presentationData(d, userData);
  if (value === null) return null;
  const apdu = children(d, value.start, value.end);
  return apdu !== null && apdu.length === 1 ? acseInitiate(d, apdu[0]!) : null;
}

/**
 * Walks the TPKTs of a stream, gathering the first TSDU from its DT units: the MMS PDU's name,
 * undefined while more bytes are needed (or only the connection set-up was seen), null when
 * anything else is there.
 */
export function scanStream(d: Uint8Array, off: number, len: number): string | null | undefined {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (let p = 0, units = 0; p < len; units++) {
    if (units > 16) return null;
    const unit = readCotpUnit(d, off + p, len - p);
    if (unit === 'more') return undefined;
    if (unit === null) return null;
    const end = off + p + unit.size;
    p += unit.size;
    if (unit.code === COTP_CR || unit.code === COTP_CC) {
      if (parts.length > 0) return null;
      continue;
    }
    if (unit.code !== COTP_DT || unit.li !== 2) return null;
    const data = d.subarray(unit.data, end);
    if (parts.length === 0 && data.length > 0 && data[0] !== SPDU_CONNECT && data[0] !== SPDU_ACCEPT && data[0] !== SPDU_DATA) return null;
    parts.push(data);
    size += data.length;
    if (size > MAX_TSDU) return null;
    if (!unit.lastOfTsdu) continue;
    const tsdu = parts.length === 1 ? parts[0]! : concat(parts, size);
    return mmsInTsdu(tsdu, 0, tsdu.length);
  }
  return undefined;
}

function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

export default defineDissector<Record<string, never>>({
  name: 'mms',
  protocols: [{ name: 'MMS', ndpi: 'ISO9506-1-MMS', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [102], description: 'ISO 9506 Manufacturing Message Specification (IEC 61850 client/server)' }],
  transports: Transport.Tcp,
  firstBytes: [TPKT_VERSION],
  // CR, CC, then the session connect, whose units may come in small segments
  maxPackets: 30,
  fields: [{ name: 'pdu', type: 'string', description: 'the first MMS PDU seen: initiate-Request, initiate-Response, confirmed-Request…' }],
  probe: probeIsoOnTcp,
  createState() {
    return {};
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.gap) return Verdict.NotMine;
    const pdu = scanStream(d, off, len);
    if (pdu === undefined) return Verdict.Continue;
    if (pdu === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('MMS'));
    ctx.setField('pdu', pdu);
    return Verdict.Done;
  },
});
