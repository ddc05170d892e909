import { defineDissector, type InspectContext, Transport, Verdict, type VerdictValue } from '../../api/dissector.js';
import { u32le } from '../../helpers/text.js';

// Cisco Skinny Client Control Protocol (SCCP), TCP 2000, from the public descriptions of its
// framing (the Wireshark wiki page "SKINNY", Cisco's CallManager documentation of the message
// names). Cisco publishes no specification, so only the framing and message ids are relied on.
// Every message is: a 32-bit little-endian length that counts the message id and the data
// (not itself nor the next field), a 32-bit header version (0 for the original format; 0x11,
// 0x12, 0x14, 0x16 for later CallManager releases), a 32-bit little-endian message id, then the
// data. A phone opens with RegisterMessage (0x0001: a NUL-padded 16-octet device name, user id,
// instance, address, device type, stream count…); the CallManager answers RegisterAckMessage
// (0x0081) or RegisterRejectMessage (0x009d). Device names (they carry the phone's MAC
// address) are not output.

const HEADER_VERSIONS = new Set([0x00, 0x11, 0x12, 0x14, 0x16]);
const SKINNY_PORT = 2000;
/** the largest messages (button and soft key templates) stay under 2 KiB */
const MAX_LENGTH = 0x2000;
const REGISTER = 0x0001;
const KEEP_ALIVE = 0x0000;
const KEEP_ALIVE_ACK = 0x0100;
/** RegisterMessage data up to the stream count: name[16] + five 32-bit words */
const REGISTER_MIN_DATA = 16 + 5 * 4;

const NAMES = new Map<number, string>([
  [0x0000, 'KeepAlive'], [0x0001, 'Register'], [0x0002, 'IpPort'], [0x0003, 'KeypadButton'], [0x0004, 'EnblocCall'],
  [0x0005, 'Stimulus'], [0x0006, 'OffHook'], [0x0007, 'OnHook'], [0x000d, 'TimeDateReq'], [0x000e, 'ButtonTemplateReq'],
  [0x000f, 'VersionReq'], [0x0010, 'CapabilitiesRes'], [0x0020, 'Alarm'], [0x0022, 'OpenReceiveChannelAck'],
  [0x0025, 'SoftKeySetReq'], [0x0026, 'SoftKeyEvent'], [0x0027, 'Unregister'], [0x0028, 'SoftKeyTemplateReq'],
  [0x0029, 'RegisterTokenReq'], [0x002d, 'RegisterAvailableLines'],
  [0x0081, 'RegisterAck'], [0x0082, 'StartTone'], [0x0083, 'StopTone'], [0x0085, 'SetRinger'], [0x0086, 'SetLamp'],
  [0x0088, 'SetSpeakerMode'], [0x008a, 'StartMediaTransmission'], [0x008b, 'StopMediaTransmission'], [0x008f, 'CallInfo'],
  [0x0094, 'DefineTimeDate'], [0x0097, 'ButtonTemplate'], [0x0098, 'Version'], [0x0099, 'DisplayText'],
  [0x009b, 'CapabilitiesReq'], [0x009d, 'RegisterReject'], [0x009f, 'Reset'], [0x0100, 'KeepAliveAck'],
  [0x0105, 'OpenReceiveChannel'], [0x0106, 'CloseReceiveChannel'], [0x0108, 'SoftKeyTemplateRes'], [0x0109, 'SoftKeySetRes'],
  [0x0110, 'SelectSoftKeys'], [0x0111, 'CallState'], [0x0116, 'ActivateCallPlane'], [0x0117, 'DeactivateCallPlane'],
  [0x011d, 'DialedNumber'], [0x0121, 'ConnectionStatisticsReq'],
]);

/** station → CallManager ids run to about 0x4f; CallManager → station ids from 0x81 to about 0x160 */
function knownMessageId(id: number): boolean {
  return id <= 0x004f || (id >= 0x0081 && id <= 0x0160);
}

function isStationMessage(id: number): boolean {
  return id <= 0x004f;
}

const MORE = 'more' as const;

export interface SkinnyHeader {
  /** the whole message: 8 + the length field */
  size: number;
  headerVersion: number;
  messageId: number;
}

/** The framing at d[p..end): MORE when the 12 header octets are not all here, null when not Skinny. */
export function skinnyHeader(d: Uint8Array, p: number, end: number): SkinnyHeader | typeof MORE | null {
  const have = end - p;
  if (have >= 4) {
    if (d[p + 2] !== 0 || d[p + 3] !== 0) return null;
    const length = u32le(d, p);
    if (length < 4 || length > MAX_LENGTH) return null;
  } else if (have >= 3 && d[p + 2] !== 0) return null;
  if (have >= 8 && !HEADER_VERSIONS.has(u32le(d, p + 4))) return null;
  if (have < 12) return MORE;
  const messageId = u32le(d, p + 8);
  if (!knownMessageId(messageId)) return null;
  return { size: 8 + u32le(d, p), headerVersion: u32le(d, p + 4), messageId };
}

/** RegisterMessage data: a device name of printable octets, NUL-terminated within its 16 */
function validRegister(d: Uint8Array, p: number, size: number): boolean {
  if (size - 12 < REGISTER_MIN_DATA) return false;
  const name = p + 12;
  if (d[name] === 0) return false;
  for (let i = 0; i < 16; i++) {
    const c = d[name + i]!;
    if (c === 0) {
      for (let j = i; j < 16; j++) if (d[name + j] !== 0) return false;
      return true;
    }
    if (c < 0x21 || c > 0x7e) return false;
  }
  return false;
}

interface State {
  /** per direction: the first well-formed message read there */
  first: [SkinnyHeader | null, SkinnyHeader | null];
}

function nameFlow(ctx: InspectContext, h: SkinnyHeader): VerdictValue {
  ctx.setProtocol(ctx.protocolId('Skinny'));
  ctx.setField('message', NAMES.get(h.messageId) ?? `0x${h.messageId.toString(16).padStart(4, '0')}`);
  ctx.setField('header_version', h.headerVersion);
  return Verdict.Done;
}

export default defineDissector<State>({
  name: 'skinny',
  protocols: [{ name: 'Skinny', ndpi: 'CiscoSkinny', category: 'VoIP', kind: 'protocol', tcpPorts: [SKINNY_PORT], description: 'Cisco Skinny Client Control Protocol (SCCP)' }],
  transports: Transport.Tcp,
  // a Register split into small segments is decided once all of it is here
  maxPackets: 12,
  fields: [
    { name: 'message', type: 'string', description: 'the first message seen, e.g. Register, RegisterAck, KeepAlive' },
    { name: 'header_version', type: 'int', description: 'the header version field: 0 (basic) or a CallManager 7+ variant (17, 18, 20, 22)' },
  ],
  probe(d, off, len) {
    // skinnyHeader's checks, without building its result
    if (len >= 3 && d[off + 2] !== 0) return false;
    if (len >= 4) {
      const length = u32le(d, off);
      if (d[off + 3] !== 0 || length < 4 || length > MAX_LENGTH) return false;
    }
    if (len >= 8 && !HEADER_VERSIONS.has(u32le(d, off + 4))) return false;
    return len < 12 || knownMessageId(u32le(d, off + 8));
  },
  createState() {
    return { first: [null, null] };
  },
  inspect(s, d, off, len, ctx) {
    const end = off + len;
    const h = skinnyHeader(d, off, end);
    if (h === MORE) return Verdict.Continue;
    if (h === null) return Verdict.NotMine;
    const messageEnd = off + h.size;
    if (messageEnd > end) return Verdict.Continue;
    if ((h.messageId === KEEP_ALIVE || h.messageId === KEEP_ALIVE_ACK) && h.size !== 12) return Verdict.NotMine;
    if (h.messageId === REGISTER) return validRegister(d, off, h.size) ? nameFlow(ctx, h) : Verdict.NotMine;
    const other = ctx.dir === 0 ? 1 : 0;
    if (messageEnd < end) {
      const next = skinnyHeader(d, messageEnd, end);
      if (next === null) return Verdict.NotMine;
      if (next !== MORE) return nameFlow(ctx, h);
    }
    if (ctx.serverPort === SKINNY_PORT || ctx.clientPort === SKINNY_PORT) return nameFlow(ctx, s.first[other] ?? h);
    // elsewhere, one side must speak as a station and the other as the CallManager
    const answered = s.first[other];
    if (answered !== null && isStationMessage(answered.messageId) !== isStationMessage(h.messageId)) return nameFlow(ctx, answered);
    s.first[ctx.dir] ??= h;
    return Verdict.Continue;
  },
});
