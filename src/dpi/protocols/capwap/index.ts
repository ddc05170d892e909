import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// CAPWAP (RFC 5415; the IEEE 802.11 binding is RFC 5416): wireless termination points (WTP, the
// access points) and their access controller. Control channel UDP 5246, data channel UDP 5247.
// sonde decapsulates the data channel's frames (wire/capwap.ts), as nDPI's reader does with -t:
// what is left on the outer flows are the control messages, the data channel keep-alives, the
// DTLS-protected channels, and frames that carry no IP packet.
//
// §4.1 preamble: version 0, type 0 (a CAPWAP header follows) or 1 (a CAPWAP DTLS header: 24
// reserved bits, then DTLS records). §4.3 header: HLEN (5 bits, the header's length in 4-octet
// words, at least 2), RID, WBID (1: IEEE 802.11, 3: EPCGlobal), flags T F L W M K and 3 reserved
// bits, fragment id, fragment offset (13 bits) and 3 reserved bits; the optional radio MAC address
// (a length of 6 or 8) and wireless information sit inside HLEN. §4.5.1 control header: message type
// (IANA enterprise 0, then 1..26 in its last octet), sequence number, message element length (the
// octets after the sequence number: the flags octet and the elements), flags 0, then elements
// (type, length, value: §4.6) that fill the message. §4.4.1 data channel keep-alive: K set, then
// the length of the elements and a Session ID element (35, 16 octets).

const CONTROL_PORT = 5246;
const DATA_PORT = 5247;
const DTLS_CONTENT_FIRST = 20; // change_cipher_spec, alert, handshake, application_data (RFC 6347 §4.1)
const DTLS_CONTENT_LAST = 23;
const SESSION_ID = 35;
const MAX_DTLS_RECORDS = 8;

export const CONTROL_MESSAGES = [
  '', 'discovery_request', 'discovery_response', 'join_request', 'join_response',
  'configuration_status_request', 'configuration_status_response', 'configuration_update_request', 'configuration_update_response',
  'wtp_event_request', 'wtp_event_response', 'change_state_event_request', 'change_state_event_response',
  'echo_request', 'echo_response', 'image_data_request', 'image_data_response', 'reset_request', 'reset_response',
  'primary_discovery_request', 'primary_discovery_response', 'data_transfer_request', 'data_transfer_response',
  'clear_configuration_request', 'clear_configuration_response', 'station_configuration_request', 'station_configuration_response',
] as const;

// what capwapMessage returns besides a control message type (1..26)
export const CAPWAP_DTLS = 100;
export const CAPWAP_KEEP_ALIVE = 101;
export const CAPWAP_FRAME = 102;

/** DTLS records (13-octet header: type, version 1.0 or 1.2, epoch, sequence, length) fill `q..end` */
function dtlsRecordsFit(d: Uint8Array, q: number, end: number): boolean {
  for (let n = 0; q < end; n++) {
    if (n === MAX_DTLS_RECORDS || end - q < 13) return false;
    const type = d[q]!;
    if (type < DTLS_CONTENT_FIRST || type > DTLS_CONTENT_LAST || d[q + 1] !== 0xfe || (d[q + 2] !== 0xff && d[q + 2] !== 0xfd)) return false;
    const size = 13 + u16be(d, q + 11);
    if (q + size > end) return false;
    q += size;
  }
  return true;
}

/** message elements (§4.6: type, length, value) fill `q..end`; `first` ≥ 0: the first one's type */
function elementsFit(d: Uint8Array, q: number, end: number, first: number): boolean {
  for (let n = 0; q < end; n++) {
    if (end - q < 4) return false;
    if (n === 0 && first >= 0 && u16be(d, q) !== first) return false;
    q += 4 + u16be(d, q + 2);
  }
  return q === end;
}

/**
 * What a CAPWAP datagram on the control (`control` true) or data channel is: a control message type
 * (1..26), CAPWAP_DTLS, CAPWAP_KEEP_ALIVE, CAPWAP_FRAME, or 0 when it is not CAPWAP. Allocates nothing.
 */
export function capwapMessage(d: Uint8Array, off: number, len: number, control: boolean): number {
  if (len < 8) return 0;
  const end = off + len;
  const preamble = d[off]!;
  if (preamble === 0x01) {
    if (d[off + 1] !== 0 || d[off + 2] !== 0 || d[off + 3] !== 0) return 0;
    return dtlsRecordsFit(d, off + 4, end) ? CAPWAP_DTLS : 0;
  }
  if (preamble !== 0x00) return 0;
  const hlen = (d[off + 1]! >> 3) * 4;
  const wbid = ((d[off + 2]! & 0x3f) >> 1);
  const t = d[off + 2]! & 0x01;
  const flags = d[off + 3]!; // F L W M K and 3 reserved bits
  const fragment = (flags & 0x80) !== 0;
  const radioMac = (flags & 0x10) !== 0;
  const keepAlive = (flags & 0x08) !== 0;
  if (hlen < 8 || off + hlen > end || (flags & 0x07) !== 0 || (d[off + 7]! & 0x07) !== 0) return 0;
  if (wbid !== 1 && wbid !== 3) return 0;
  // §4.3: the radio MAC address field is a length (6 for EUI-48, 8 for EUI-64) and the address
  if (radioMac && (hlen < 12 || (d[off + 8] !== 6 && d[off + 8] !== 8))) return 0;
  const q = off + hlen;
  if (control) {
    if (t !== 0 || keepAlive || fragment || end - q < 8) return 0;
    if (d[q] !== 0 || d[q + 1] !== 0 || d[q + 2] !== 0) return 0;
    const type = d[q + 3]!;
    if (type < 1 || type >= CONTROL_MESSAGES.length) return 0;
    // "the number of bytes following the Sequence Number field": the flags octet and the elements
    // (as Wireshark reads it), or, read literally, those and the length field itself
    const elementLength = u16be(d, q + 5);
    if (elementLength !== end - (q + 7) && elementLength !== end - (q + 5)) return 0;
    if (d[q + 7] !== 0) return 0;
    return elementsFit(d, q + 8, end, -1) ? type : 0;
  }
  if (keepAlive) {
    if (t !== 0 || fragment || end - q < 2 || u16be(d, q) !== end - q - 2) return 0;
    return elementsFit(d, q + 2, end, SESSION_ID) && u16be(d, q + 4) === 16 ? CAPWAP_KEEP_ALIVE : 0;
  }
  // a frame: only the first fragment starts with one (§4.3: fragment offset 0)
  if (fragment && ((d[off + 6]! << 5) | (d[off + 7]! >> 3)) !== 0) return 0;
  if (t === 1) return wbid === 1 && end - q >= 24 ? CAPWAP_FRAME : 0; // a native IEEE 802.11 frame
  return end - q >= 14 ? CAPWAP_FRAME : 0; // an IEEE 802.3 frame
}

function messageName(m: number): string {
  if (m === CAPWAP_DTLS) return 'dtls';
  if (m === CAPWAP_KEEP_ALIVE) return 'keep_alive';
  if (m === CAPWAP_FRAME) return 'frame';
  return CONTROL_MESSAGES[m] ?? '';
}

/** true: the control channel, false: the data channel, null: neither port */
function channel(ctx: { serverPort: number; clientPort: number }): boolean | null {
  if (ctx.serverPort === CONTROL_PORT || ctx.clientPort === CONTROL_PORT) return true;
  if (ctx.serverPort === DATA_PORT || ctx.clientPort === DATA_PORT) return false;
  return null;
}

export default defineDissector<{ n: number }>({
  name: 'capwap',
  protocols: [{ name: 'CAPWAP', category: 'Network', kind: 'protocol', udpPorts: [CONTROL_PORT, DATA_PORT], description: 'Control And Provisioning of Wireless Access Points (RFC 5415)' }],
  transports: Transport.Udp,
  // the preamble: a CAPWAP header (0) or a CAPWAP DTLS header (1)
  firstBytes: [0x00, 0x01],
  maxPackets: 2,
  fields: [
    { name: 'channel', type: 'string', description: "'control' (UDP 5246) or 'data' (UDP 5247)" },
    { name: 'message', type: 'string', description: "the first datagram: a control message ('discovery_request', 'join_request', 'echo_request', …), 'dtls' (a DTLS-protected datagram), 'keep_alive' or 'frame' (data channel)" },
  ],
  probe(d, off, len, ctx) {
    const c = channel(ctx);
    return c !== null && capwapMessage(d, off, len, c) !== 0;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const c = channel(ctx);
    const m = c === null ? 0 : capwapMessage(d, off, len, c);
    if (m === 0) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('CAPWAP'));
    ctx.setField('channel', c ? 'control' : 'data');
    ctx.setField('message', messageName(m));
    return Verdict.Done;
  },
});
