import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// HART-IP (FieldComm Group HCF_SPEC-085), TCP and UDP 5094: HART field-instrument messages over
// IP. Every message starts with an 8-byte header, big endian: version (1, or 2 for the HART-IP
// revision that adds TLS/DTLS), message type (0 request, 1 response, 2 publish, 3 error, 15 NAK),
// message id (0 session initiate, 1 session close, 2 keep alive, 3 token-passing PDU, 128
// discovery), status, sequence number u16, byte count u16 = the whole message, header included.
// These are the values FieldComm Group's own HART-IP server (hipserver, hstypes.h "values per
// Spec 85") uses; tshark names the same ones.
// Bodies checked: session initiate carries 5 bytes (master type 0 secondary / 1 primary, and
// the inactivity close timer u32); close and keep alive carry none; the token-passing PDU is a
// HART frame (HCF_SPEC-081): delimiter (bits 0-2 frame type 1 burst, 2 master→slave, 6
// slave→master; bit 7 long 5-byte address; bits 5-6 expansion bytes), address, expansion
// bytes, command, byte count, data, and a check byte that XORs the frame to zero.
// A HART-IP v2 session over TLS/DTLS is TLS from its first byte and is the `tls`/`dtls`
// folders'. Off port 5094 only a token-passing PDU whose check byte holds, or a request and the
// response with the same id and sequence number, name the flow.

const PORT = 5094;
const HEADER = 8;
/** header + the largest token-passing frame (HCF_SPEC-085's 272-byte message) with some slack */
const MAX_MESSAGE = 8 + 300;

const TYPES: ReadonlyMap<number, string> = new Map([
  [0, 'request'],
  [1, 'response'],
  [2, 'publish'],
  [3, 'error'],
  [15, 'nak'],
]);
const IDS: ReadonlyMap<number, string> = new Map([
  [0, 'session_initiate'],
  [1, 'session_close'],
  [2, 'keep_alive'],
  [3, 'token_passing_pdu'],
  [128, 'discovery'],
]);
const ID_SESSION_INITIATE = 0;
const ID_TP_PDU = 3;
const ID_DISCOVERY = 128;

export interface HartIpHeader {
  version: number;
  type: number;
  id: number;
  status: number;
  sequence: number;
  length: number;
}

export function parseHeader(d: Uint8Array, off: number, len: number): HartIpHeader | null {
  if (len < HEADER) return null;
  const version = d[off]!;
  const type = d[off + 1]!;
  const id = d[off + 2]!;
  const length = u16be(d, off + 6);
  if ((version !== 1 && version !== 2) || !TYPES.has(type) || !IDS.has(id) || length < HEADER || length > MAX_MESSAGE) return null;
  return { version, type, id, status: d[off + 3]!, sequence: u16be(d, off + 4), length };
}

/** the HART command of a token-passing frame exactly filling d[p..end), or -1 */
export function hartFrameCommand(d: Uint8Array, p: number, end: number): number {
  if (end - p < 5) return -1;
  const delimiter = d[p]!;
  const frameType = delimiter & 0x07;
  if (frameType !== 1 && frameType !== 2 && frameType !== 6) return -1;
  // physical layer type (bits 3-4) 0 is the asynchronous (FSK and IP) one
  if ((delimiter & 0x18) !== 0) return -1;
  const header = 1 + ((delimiter & 0x80) !== 0 ? 5 : 1) + ((delimiter >> 5) & 0x03);
  if (end - p < header + 3) return -1;
  const count = d[p + header + 1]!;
  // a slave's answer (and a burst) starts its data with the two status bytes
  if (frameType !== 2 && count < 2) return -1;
  if (p + header + 2 + count + 1 !== end) return -1;
  let x = 0;
  for (let i = p; i < end; i++) x ^= d[i]!;
  return x === 0 ? d[p + header]! : -1;
}

/** what the body of a whole message says: -1 it breaks the format, 0 plausible, 1 self-checking */
function bodyCheck(h: HartIpHeader, d: Uint8Array, off: number): { ok: -1 | 0 | 1; command: number } {
  const n = h.length - HEADER;
  const p = off + HEADER;
  if (h.type === 3 || h.type === 15) return { ok: n <= 8 ? 0 : -1, command: -1 };
  switch (h.id) {
    case ID_SESSION_INITIATE:
      return { ok: n === 5 && d[p]! <= 1 ? 0 : -1, command: -1 };
    case ID_TP_PDU: {
      const command = hartFrameCommand(d, p, p + n);
      return { ok: command >= 0 ? 1 : -1, command };
    }
    case ID_DISCOVERY:
      return { ok: 0, command: -1 };
    default:
      return { ok: n === 0 ? 0 : -1, command: -1 };
  }
}

interface State {
  /** off port: the first request, waiting for its response */
  request: HartIpHeader | null;
}

const couldStart = (d: Uint8Array, off: number, len: number): boolean =>
  (d[off] === 1 || d[off] === 2) && (len < 2 || TYPES.has(d[off + 1]!)) && (len < 3 || IDS.has(d[off + 2]!));

export default defineDissector<State>({
  name: 'hart_ip',
  protocols: [{ name: 'HART-IP', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [PORT], udpPorts: [PORT], description: 'HART-IP (HART field instrument messages over TCP/UDP)' }],
  transports: Transport.Tcp | Transport.Udp,
  firstBytes: [0x01, 0x02],
  maxPackets: 12,
  fields: [
    { name: 'version', type: 'int', description: 'the HART-IP header version of the first message (1 or 2)' },
    { name: 'message_type', type: 'string', description: "type of the first message: 'request', 'response', 'publish', 'error' or 'nak'" },
    { name: 'message_id', type: 'string', description: "id of the first message: 'session_initiate', 'session_close', 'keep_alive', 'token_passing_pdu' or 'discovery'" },
    { name: 'hart_command', type: 'int', description: 'the HART command number of the first token-passing PDU' },
  ],
  probe(d, off, len) {
    return couldStart(d, off, len);
  },
  createState() {
    return { request: null };
  },
  inspect(s, d, off, len, ctx) {
    const tcp = ctx.l4 === 6;
    if (tcp && ctx.gap) return Verdict.NotMine;
    if (len < HEADER) return tcp && couldStart(d, off, len) ? Verdict.Continue : Verdict.NotMine;
    const h = parseHeader(d, off, len);
    if (h === null) return Verdict.NotMine;
    if (tcp ? len < h.length : len !== h.length) return tcp ? Verdict.Continue : Verdict.NotMine;
    const body = bodyCheck(h, d, off);
    if (body.ok < 0) return Verdict.NotMine;
    const onPort = ctx.serverPort === PORT || ctx.clientPort === PORT;
    let first = h;
    if (!onPort && body.ok === 0) {
      // a request waits for its response (the client's stream may grow meanwhile); a response
      // must answer it with the same id and sequence number
      if (h.type === 0 && h.id !== ID_DISCOVERY) {
        s.request ??= h;
        return Verdict.Continue;
      }
      if (h.type !== 1 || s.request === null || s.request.id !== h.id || s.request.sequence !== h.sequence) return Verdict.NotMine;
      first = s.request;
    }
    ctx.setProtocol(ctx.protocolId('HART-IP'));
    ctx.setField('version', first.version);
    ctx.setField('message_type', TYPES.get(first.type)!);
    ctx.setField('message_id', IDS.get(first.id)!);
    if (body.command >= 0) ctx.setField('hart_command', body.command);
    return Verdict.Done;
  },
});
