import { defineDissector, type InspectContext, Transport, Verdict, type VerdictValue } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// SMPP, Short Message Peer-to-Peer (SMPP Developers Forum, "Short Message Peer to Peer Protocol
// Specification v3.4", §3.2 "SMPP PDU Format", §4.1 "Bind Operation", §5.1 "PDU Header"
// field definitions and §5.1.2.1 command_id table; v5.0 §4.1 and §4.7.5 add the broadcast
// operations), TCP 2775. Every PDU starts with a 16-octet big-endian header: command_length
// (the whole PDU, ≥ 16), command_id (bit 31 set on a response), command_status (0 in a
// request) and sequence_number (0x00000001..0x7FFFFFFF). A session opens with a bind_* from the
// ESME (or an outbind from the SMSC); binds are checked field by field: three C-octet strings
// of bounded size, interface_version, addr_ton, addr_npi and address_range. Other PDUs are a
// weaker signal: named on the SMPP port, or when a second well-formed PDU follows. system_id,
// password and addresses are not output; a non-empty password raises clear_text_credentials.

const COMMANDS = new Map<number, string>([
  [0x80000000, 'generic_nack'],
  [0x00000001, 'bind_receiver'], [0x80000001, 'bind_receiver_resp'],
  [0x00000002, 'bind_transmitter'], [0x80000002, 'bind_transmitter_resp'],
  [0x00000003, 'query_sm'], [0x80000003, 'query_sm_resp'],
  [0x00000004, 'submit_sm'], [0x80000004, 'submit_sm_resp'],
  [0x00000005, 'deliver_sm'], [0x80000005, 'deliver_sm_resp'],
  [0x00000006, 'unbind'], [0x80000006, 'unbind_resp'],
  [0x00000007, 'replace_sm'], [0x80000007, 'replace_sm_resp'],
  [0x00000008, 'cancel_sm'], [0x80000008, 'cancel_sm_resp'],
  [0x00000009, 'bind_transceiver'], [0x80000009, 'bind_transceiver_resp'],
  [0x0000000b, 'outbind'],
  [0x00000015, 'enquire_link'], [0x80000015, 'enquire_link_resp'],
  [0x00000021, 'submit_multi'], [0x80000021, 'submit_multi_resp'],
  [0x00000102, 'alert_notification'],
  [0x00000103, 'data_sm'], [0x80000103, 'data_sm_resp'],
  [0x00000111, 'broadcast_sm'], [0x80000111, 'broadcast_sm_resp'],
  [0x00000112, 'query_broadcast_sm'], [0x80000112, 'query_broadcast_sm_resp'],
  [0x00000113, 'cancel_broadcast_sm'], [0x80000113, 'cancel_broadcast_sm_resp'],
]);
/** PDUs that are only a header (§4.2, §4.3, §4.11 of v3.4) */
const HEADER_ONLY = new Set([0x80000000, 0x00000006, 0x80000006, 0x00000015, 0x80000015]);
const BINDS = new Set([0x00000001, 0x00000002, 0x00000009]);
const BIND_RESPONSES = new Set([0x80000001, 0x80000002, 0x80000009]);
const OUTBIND = 0x0000000b;
const SC_INTERFACE_VERSION_TAG = 0x0210;
/** §5.2.6 numbering plan indicators */
const NPI = new Set([0, 1, 3, 4, 6, 8, 9, 10, 14, 18]);
/** a bind carries at most 98 body octets; data_sm with message_payload reaches 64 KiB */
const MAX_BIND = 16 + 16 + 9 + 13 + 3 + 41;
const MAX_PDU = 0x10000 + 0x400;
const SMPP_PORT = 2775;

const MORE = 'more' as const;

export interface SmppHeader {
  length: number;
  commandId: number;
  status: number;
  sequence: number;
}

/** The header at d[p..end): MORE when it is not all here, null when it breaks §3.2 / §5.1. */
export function smppHeader(d: Uint8Array, p: number, end: number): SmppHeader | typeof MORE | null {
  if (end - p >= 1 && d[p] !== 0) return null;
  if (end - p < 16) {
    if (end - p >= 8 && !COMMANDS.has(u32be(d, p + 4))) return null;
    return MORE;
  }
  const length = u32be(d, p);
  const commandId = u32be(d, p + 4);
  const status = u32be(d, p + 8);
  const sequence = u32be(d, p + 12);
  if (length < 16 || length > MAX_PDU || !COMMANDS.has(commandId)) return null;
  const response = commandId >= 0x80000000;
  if (!response && status !== 0) return null;
  if (commandId !== 0x80000000 && (sequence === 0 || sequence > 0x7fffffff)) return null;
  if (HEADER_ONLY.has(commandId) && length !== 16) return null;
  if ((BINDS.has(commandId) || commandId === OUTBIND) && (length > MAX_BIND || length < 16 + 7)) return null;
  return { length, commandId, status, sequence };
}

/** A C-octet string of at most `max` octets with its NUL: the offset after it, or -1. */
function cString(d: Uint8Array, p: number, end: number, max: number): number {
  const limit = Math.min(end, p + max);
  for (let i = p; i < limit; i++) {
    const c = d[i]!;
    if (c === 0) return i + 1;
    if (c < 0x20 || c > 0x7e) return -1;
  }
  return -1;
}

export interface BindBody {
  hasPassword: boolean;
  interfaceVersion?: number;
}

/** The body of a bind_* (v3.4 §4.1.1) or outbind (§4.1.7.1), exactly filling the PDU; null if not. */
export function parseBindBody(d: Uint8Array, p: number, end: number, outbind: boolean): BindBody | null {
  let q = cString(d, p, end, 16);
  if (q < 0) return null;
  const passwordStart = q;
  q = cString(d, q, end, 9);
  if (q < 0) return null;
  const hasPassword = q - passwordStart > 1;
  if (outbind) return q === end ? { hasPassword } : null;
  q = cString(d, q, end, 13);
  if (q < 0 || q + 3 > end) return null;
  const interfaceVersion = d[q]!;
  if (!knownInterfaceVersion(interfaceVersion) || d[q + 1]! > 6 || !NPI.has(d[q + 2]!)) return null;
  q = cString(d, q + 3, end, 41);
  return q === end ? { hasPassword, interfaceVersion } : null;
}

/** A bind_*_resp body (§4.1.2): system_id then optional TLVs; empty when the bind failed. */
export function parseBindResponseBody(d: Uint8Array, p: number, end: number, status: number): BindBody | null {
  if (p === end) return status !== 0 ? { hasPassword: false } : null;
  let q = cString(d, p, end, 16);
  if (q < 0) return null;
  let interfaceVersion: number | undefined;
  while (q < end) {
    if (q + 4 > end) return null;
    const tag = (d[q]! << 8) | d[q + 1]!;
    const valueLength = (d[q + 2]! << 8) | d[q + 3]!;
    if (q + 4 + valueLength > end) return null;
    if (tag === SC_INTERFACE_VERSION_TAG) {
      if (valueLength !== 1 || !knownInterfaceVersion(d[q + 4]!)) return null;
      interfaceVersion = d[q + 4]!;
    }
    q += 4 + valueLength;
  }
  return { hasPassword: false, interfaceVersion };
}

/** §5.2.4: 0x00–0x33 for 3.3 and earlier, 0x34 for 3.4, 0x50 for 5.0 */
function knownInterfaceVersion(v: number): boolean {
  return v <= 0x34 || v === 0x50;
}
function versionName(v: number): string {
  return v === 0x50 ? '5.0' : v === 0x34 ? '3.4' : '3.3';
}

interface State {
  /** per direction: the first well-formed non-bind PDU read there */
  firstPdu: [SmppHeader | null, SmppHeader | null];
}

function nameFlow(ctx: InspectContext, h: SmppHeader, body?: BindBody): VerdictValue {
  ctx.setProtocol(ctx.protocolId('SMPP'));
  ctx.setField('command', COMMANDS.get(h.commandId)!);
  if (body?.interfaceVersion !== undefined) ctx.setField('interface_version', versionName(body.interfaceVersion));
  if (body?.hasPassword) ctx.addRisk('clear_text_credentials', 'SMPP bind with a password in clear');
  return Verdict.Done;
}

export default defineDissector<State>({
  name: 'smpp',
  protocols: [{ name: 'SMPP', category: 'Chat', kind: 'protocol', tcpPorts: [SMPP_PORT], description: 'Short Message Peer-to-Peer (SMS centres)' }],
  transports: Transport.Tcp,
  // command_length is below 16 MiB
  firstBytes: [0x00],
  // a bind split into small segments is decided once all of it is here
  maxPackets: 12,
  fields: [
    { name: 'command', type: 'string', description: 'the first PDU that named the flow, e.g. bind_transceiver, enquire_link' },
    { name: 'interface_version', type: 'string', description: 'the SMPP version of a bind or bind response: 3.3, 3.4 or 5.0' },
  ],
  probe(d, off, len) {
    if (d[off] !== 0) return false;
    return len < 8 || COMMANDS.has(u32be(d, off + 4));
  },
  createState() {
    return { firstPdu: [null, null] };
  },
  inspect(s, d, off, len, ctx) {
    const end = off + len;
    const h = smppHeader(d, off, end);
    if (h === MORE) return Verdict.Continue;
    if (h === null) return Verdict.NotMine;
    const pduEnd = off + h.length;
    const isBind = BINDS.has(h.commandId) || h.commandId === OUTBIND;
    if (isBind || BIND_RESPONSES.has(h.commandId)) {
      if (pduEnd > end) return Verdict.Continue;
      const body = isBind
        ? parseBindBody(d, off + 16, pduEnd, h.commandId === OUTBIND)
        : parseBindResponseBody(d, off + 16, pduEnd, h.status);
      return body === null ? Verdict.NotMine : nameFlow(ctx, h, body);
    }
    const other = ctx.dir === 0 ? 1 : 0;
    // a second PDU in the same stream must be well formed too
    if (pduEnd < end) {
      const next = smppHeader(d, pduEnd, end);
      if (next === null) return Verdict.NotMine;
      if (next !== MORE) return nameFlow(ctx, h);
    }
    if (ctx.serverPort === SMPP_PORT || s.firstPdu[other] !== null) return nameFlow(ctx, s.firstPdu[other] ?? h);
    s.firstPdu[ctx.dir] ??= h;
    return Verdict.Continue;
  },
});
