import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16le, u32be } from '../../helpers/text.js';

// RMCP, the Remote Management and Control Protocol (DMTF DSP0136, Alert Standard Format 2.0,
// §3.2.2), and the IPMI LAN session carried in it (IPMI v1.5 §12, IPMI v2.0 §13), UDP 623; the
// secure port 664 puts an 8-byte RSP header (session id, sequence number) before the RMCP header.
//
// RMCP header: version 0x06, a reserved byte 0x00, a sequence number (0xff: do not acknowledge),
// and the class of message (bits 4..0: 6 ASF, 7 IPMI, 8 OEM; bit 7: this is an RMCP ACK, which is
// the 4-byte header alone). An ASF message follows with the IANA enterprise number (4542 for the
// messages ASF itself defines), a message type, a tag, a reserved 0 and the data length.
// An IPMI message follows with the session header: authentication type 0 none, 1 MD2, 2 MD5,
// 4 straight password, 5 OEM (the v1.5 header: sequence, session id, 16-byte auth code unless
// type 0, message length), or 6 for the v2.0 RMCP+ header (payload type with encrypted and
// authenticated bits, session id, sequence, payload length little endian, then a trailer when
// authenticated). Multi-byte IPMI fields are little endian; RMCP and ASF ones big endian.

const RMCP_PORT = 623;
const RMCP_SECURE_PORT = 664;
const ASF_IANA = 4542;

const CLASS_ASF = 6;
const CLASS_IPMI = 7;
const CLASS_OEM = 8;

const ASF_MESSAGES: ReadonlyMap<number, string> = new Map([
  [0x10, 'reset'],
  [0x11, 'power_up'],
  [0x12, 'unconditional_power_down'],
  [0x13, 'power_cycle_reset'],
  [0x40, 'presence_pong'],
  [0x41, 'capabilities_response'],
  [0x42, 'system_state_response'],
  [0x43, 'open_session_response'],
  [0x44, 'close_session_response'],
  [0x80, 'presence_ping'],
  [0x81, 'capabilities_request'],
  [0x82, 'system_state_request'],
  [0x83, 'open_session_request'],
  [0x84, 'close_session_request'],
  [0xc0, 'rakp_message_1'],
  [0xc1, 'rakp_message_2'],
  [0xc2, 'rakp_message_3'],
]);

const AUTH_TYPES: ReadonlyMap<number, string> = new Map([
  [0x00, 'none'],
  [0x01, 'md2'],
  [0x02, 'md5'],
  [0x04, 'password'],
  [0x05, 'oem'],
  [0x06, 'rmcp+'],
]);
const AUTH_STRAIGHT_PASSWORD = 0x04;
const AUTH_RMCP_PLUS = 0x06;

const PAYLOAD_IPMI = 0x00;
const PAYLOAD_OEM_EXPLICIT = 0x02;
const PAYLOADS: ReadonlyMap<number, string> = new Map([
  [0x00, 'ipmi'],
  [0x01, 'sol'],
  [0x02, 'oem_explicit'],
  [0x10, 'open_session_request'],
  [0x11, 'open_session_response'],
  [0x12, 'rakp_message_1'],
  [0x13, 'rakp_message_2'],
  [0x14, 'rakp_message_3'],
  [0x15, 'rakp_message_4'],
]);
/** sizes fixed by IPMI v2.0 §13.17 and §13.20; the others carry variable authentication codes */
const FIXED_PAYLOAD_LENGTH: ReadonlyMap<number, number> = new Map([
  [0x10, 32],
  [0x12, 44],
]);

export interface RmcpMessage {
  messageClass: 'ASF' | 'IPMI' | 'OEM';
  message: string;
  ipmiVersion?: '1.5' | '2.0';
  authType?: number;
}

/** an IPMI message (§13.8): rsAddr, netFn/LUN, checksum, rqAddr, rqSeq/LUN, command, data, checksum */
function ipmiChecksumsHold(d: Uint8Array, start: number, n: number): boolean {
  if (n < 7) return false;
  if (((d[start]! + d[start + 1]! + d[start + 2]!) & 0xff) !== 0) return false;
  let sum = 0;
  for (let i = start + 3; i < start + n; i++) sum += d[i]!;
  return (sum & 0xff) === 0;
}

function ipmiV15(d: Uint8Array, at: number, end: number, authType: number): RmcpMessage | null {
  const header = 1 + 4 + 4 + (authType === 0 ? 0 : 16) + 1;
  if (end - at < header) return null;
  const messageLength = d[at + header - 1]!;
  const rest = end - at - header;
  // v1.5 §12.6 lets a sender add one "legacy pad" byte after the message
  if (rest !== messageLength && rest !== messageLength + 1) return null;
  if (!ipmiChecksumsHold(d, at + header, messageLength)) return null;
  return { messageClass: 'IPMI', message: 'ipmi', ipmiVersion: '1.5', authType };
}

function ipmiV20(d: Uint8Array, at: number, end: number): RmcpMessage | null {
  if (end - at < 2) return null;
  const typeByte = d[at + 1]!;
  const encrypted = (typeByte & 0x80) !== 0;
  const authenticated = (typeByte & 0x40) !== 0;
  const payloadType = typeByte & 0x3f;
  const oemRange = payloadType >= 0x20 && payloadType <= 0x27;
  const name = PAYLOADS.get(payloadType) ?? (oemRange ? 'oem' : undefined);
  if (name === undefined) return null;
  const header = 2 + (payloadType === PAYLOAD_OEM_EXPLICIT ? 6 : 0) + 4 + 4 + 2;
  if (end - at < header) return null;
  const sessionId = u32be(d, at + header - 10);
  const payloadLength = u16le(d, at + header - 2);
  const payloadStart = at + header;
  const rest = end - payloadStart - payloadLength;
  if (rest < 0) return null;
  const preSession = payloadType >= 0x10 && payloadType <= 0x15;
  if (preSession) {
    // session set-up messages travel outside any session, in the clear
    if (sessionId !== 0 || encrypted || authenticated || rest !== 0) return null;
    const fixed = FIXED_PAYLOAD_LENGTH.get(payloadType);
    if (fixed !== undefined ? payloadLength !== fixed : payloadLength < 8) return null;
  } else if (authenticated) {
    if (!integrityTrailerFits(d, end, rest)) return null;
  } else if (rest !== 0) {
    return null;
  }
  if (payloadType === PAYLOAD_IPMI && !encrypted && !ipmiChecksumsHold(d, payloadStart, payloadLength)) return null;
  return { messageClass: 'IPMI', message: name, ipmiVersion: '2.0', authType: AUTH_RMCP_PLUS };
}

/** §13.28.4: 0..3 pad bytes 0xff, pad length, next header 0x07, then a 12- or 16-byte AuthCode */
function integrityTrailerFits(d: Uint8Array, end: number, rest: number): boolean {
  for (const codeLength of [12, 16]) {
    if (rest < codeLength + 2) continue;
    const nextHeader = d[end - codeLength - 1]!;
    const padLength = d[end - codeLength - 2]!;
    if (nextHeader === 0x07 && padLength <= 3 && rest === codeLength + 2 + padLength) return true;
  }
  return false;
}

function asf(d: Uint8Array, at: number, end: number, onRmcpPort: boolean): RmcpMessage | null {
  if (end - at < 8 || d[at + 6] !== 0) return null;
  const dataLength = d[at + 7]!;
  if (end - at !== 8 + dataLength) return null;
  if (u32be(d, at) !== ASF_IANA) return onRmcpPort ? { messageClass: 'ASF', message: 'oem' } : null;
  const type = d[at + 4]!;
  const name = ASF_MESSAGES.get(type);
  if (name === undefined) return null;
  if (type === 0x80 && dataLength !== 0) return null;
  if (type === 0x40 && dataLength !== 16) return null;
  return { messageClass: 'ASF', message: name };
}

/** The RMCP message of a whole datagram, or null when it breaks the format. */
export function parseRmcp(d: Uint8Array, off: number, len: number, onRmcpPort: boolean): RmcpMessage | null {
  const end = off + len;
  let at = off;
  // the secure port's RSP header: only the "bypass" session id 0 leaves what follows readable,
  // and it is what opens every session there
  if (d[at] === 0x00) {
    if (!onRmcpPort || len < 12 || u32be(d, at) !== 0) return null;
    at += 8;
  }
  if (end - at < 4 || d[at] !== 0x06 || d[at + 1] !== 0x00) return null;
  const classByte = d[at + 3]!;
  if ((classByte & 0x60) !== 0) return null;
  const messageClass = classByte & 0x1f;
  if (messageClass !== CLASS_ASF && messageClass !== CLASS_IPMI && messageClass !== CLASS_OEM) return null;
  at += 4;
  if ((classByte & 0x80) !== 0) {
    // an ACK is the header it acknowledges, with nothing after it: too short to trust off port
    if (at !== end || !onRmcpPort) return null;
    return { messageClass: messageClass === CLASS_ASF ? 'ASF' : messageClass === CLASS_IPMI ? 'IPMI' : 'OEM', message: 'ack' };
  }
  if (messageClass === CLASS_OEM) return onRmcpPort && end - at >= 4 ? { messageClass: 'OEM', message: 'oem' } : null;
  if (messageClass === CLASS_ASF) return asf(d, at, end, onRmcpPort);
  if (at >= end) return null;
  const authType = d[at]!;
  if (authType === AUTH_RMCP_PLUS) return ipmiV20(d, at, end);
  if (!AUTH_TYPES.has(authType)) return null;
  return ipmiV15(d, at, end, authType);
}

const onRmcpPort = (ctx: { clientPort: number; serverPort: number }): boolean =>
  ctx.serverPort === RMCP_PORT || ctx.serverPort === RMCP_SECURE_PORT || ctx.clientPort === RMCP_PORT || ctx.clientPort === RMCP_SECURE_PORT;

export default defineDissector<{ n: number }>({
  name: 'rmcp',
  protocols: [{ name: 'RMCP', category: 'System', kind: 'protocol', udpPorts: [RMCP_PORT, RMCP_SECURE_PORT], description: 'Remote Management and Control Protocol (ASF) and IPMI over LAN' }],
  transports: Transport.Udp,
  // 0x00: the secure port's bypass session id in front of the RMCP header
  firstBytes: [0x06, 0x00],
  maxPackets: 2,
  fields: [
    { name: 'message_class', type: 'string', description: 'RMCP class of the first message: ASF, IPMI or OEM' },
    { name: 'message', type: 'string', description: "the first message: an ASF message type ('presence_ping', …), an IPMI payload type ('ipmi', 'open_session_request', 'rakp_message_1', …), or 'ack'" },
    { name: 'ipmi_version', type: 'string', description: "IPMI session format: '1.5' or '2.0' (RMCP+)" },
    { name: 'auth_type', type: 'string', description: "IPMI session authentication type: none, md2, md5, password, oem or rmcp+" },
  ],
  probe(d, off, len) {
    if (d[off] === 0x06) return len >= 4 && d[off + 1] === 0x00;
    return len >= 12 && d[off + 8] === 0x06 && d[off + 9] === 0x00;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const m = parseRmcp(d, off, len, onRmcpPort(ctx));
    if (m === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('RMCP'));
    ctx.setField('message_class', m.messageClass);
    ctx.setField('message', m.message);
    if (m.ipmiVersion !== undefined) ctx.setField('ipmi_version', m.ipmiVersion);
    if (m.authType !== undefined) {
      ctx.setField('auth_type', AUTH_TYPES.get(m.authType)!);
      // the v1.5 "straight password" type puts the password itself in the auth code field
      if (m.authType === AUTH_STRAIGHT_PASSWORD) ctx.addRisk('clear_text_credentials', 'IPMI v1.5 straight password authentication');
    }
    return Verdict.Done;
  },
});
