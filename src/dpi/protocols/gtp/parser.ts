import { u16be } from '../../helpers/text.js';

// Header and message checks for the GPRS Tunnelling Protocols sonde names. Pure functions over one
// UDP datagram (`d[off..off+len)`); they allocate nothing, so probes can call them.

export const GTP_C_PORT = 2123;
export const GTP_U_PORT = 2152;
export const GTP_PRIME_PORT = 3386;

/**
 * GTP-C (3GPP TS 29.060 §6 for GTPv1-C, TS 29.274 §5 for GTPv2-C). GTPv1: flags (version 1 in bits
 * 5..7, protocol type 1, reserved 0, E/S/PN), message type, length (bytes after the 8-byte mandatory
 * header), TEID. GTPv2: flags (version 2, piggyback, TEID flag, spare), message type (1..255, 0
 * reserved), length (bytes after the first 4), [TEID], sequence (u24), spare. The version, or null.
 */
export function gtpcVersion(d: Uint8Array, off: number, len: number): number | null {
  if (len < 8) return null;
  const f = d[off]!;
  const type = d[off + 1]!;
  const n = u16be(d, off + 2);
  if ((f & 0xf8) === 0x30) {
    // v1-C message types 1..129 (0xFF G-PDU belongs to GTP-U)
    // with E, S or PN set the 4 optional bytes (sequence, N-PDU, next extension) are counted
    if ((f & 0x07) !== 0 && n < 4) return null;
    return type >= 1 && type <= 129 && n + 8 === len ? 1 : null;
  }
  if ((f & 0xe3) === 0x40) {
    const t = (f & 0x08) !== 0;
    if (type === 0 || n + 4 !== len || n < (t ? 8 : 4)) return null;
    return 2;
  }
  return null;
}

// Information elements (TS 29.060 §7.7, TS 29.281 §8, TS 32.295 §6.3): a type below 128 is TV,
// its value length fixed by the type; 128 and above is TLV with a two-octet length, except the
// Extension Header Type List (141), whose length takes one octet (TS 29.281 §8.5).
const IE_CAUSE = 1;
const IE_RECOVERY = 14;
const IE_TEID_DATA_I = 16;
const IE_PACKET_TRANSFER_COMMAND = 126;
const IE_GTPU_PEER_ADDRESS = 133;
const IE_EXTENSION_HEADER_TYPE_LIST = 141;
const IE_NODE_ADDRESS = 251;
const IE_PRIVATE_EXTENSION = 255;

/** value length of the TV elements these messages carry; 0: a TV type none of them uses */
function tvLength(type: number): number {
  switch (type) {
    case IE_CAUSE:
    case IE_RECOVERY:
    case IE_PACKET_TRANSFER_COMMAND:
      return 1;
    case IE_TEID_DATA_I:
      return 4;
    default:
      return 0;
  }
}

/**
 * The elements from `q` fill the message to `end` exactly; `first` (when ≥ 0) is the type the
 * message must start with (its first mandatory element), `second` likewise for the next one.
 */
function elementsFit(d: Uint8Array, q: number, end: number, first: number, second = -1): boolean {
  let k = 0;
  for (; q < end; k++) {
    const type = d[q]!;
    if (k === 0 && first >= 0 && type !== first) return false;
    if (k === 1 && second >= 0 && type !== second) return false;
    let size: number;
    if (type < 128) {
      const n = tvLength(type);
      if (n === 0) return false;
      size = 1 + n;
    } else if (type === IE_EXTENSION_HEADER_TYPE_LIST) {
      if (q + 2 > end) return false;
      size = 2 + d[q + 1]!;
    } else {
      if (q + 3 > end) return false;
      size = 3 + u16be(d, q + 1);
    }
    if (q + size > end) return false;
    q += size;
  }
  // the mandatory elements are there (the loop stops at `end` exactly: no element overran it)
  return k >= (second >= 0 ? 2 : first >= 0 ? 1 : 0);
}

/** nothing, or only Private Extensions */
function onlyPrivateExtensions(d: Uint8Array, q: number, end: number): boolean {
  while (q < end) {
    if (d[q] !== IE_PRIVATE_EXTENSION || q + 3 > end) return false;
    q += 3 + u16be(d, q + 1);
  }
  return q === end;
}

// GTP-U message types (TS 29.281 §6.1, Table 6.1-1)
export const GtpUMessage = {
  EchoRequest: 1,
  EchoResponse: 2,
  ErrorIndication: 26,
  SupportedExtensionHeadersNotification: 31,
  TunnelStatus: 253,
  EndMarker: 254,
  GPdu: 255,
} as const;

export const GTP_U_MESSAGE_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'echo_request'],
  [2, 'echo_response'],
  [26, 'error_indication'],
  [31, 'supported_extension_headers_notification'],
  [253, 'tunnel_status'],
  [254, 'end_marker'],
  [255, 'g_pdu'],
]);

/** more extension headers than this is not a real packet */
const MAX_EXTENSION_HEADERS = 8;

/**
 * A GTPv1-U message (TS 29.281 §5.1): flags with version 1, PT 1 and the reserved bit 0, a message
 * type GTP-U defines, a length equal to what follows the 8-byte header, the optional 4 octets when E,
 * S or PN is set, extension headers (§5.2: length in 4-octet units, next type in the last octet),
 * then what the message type allows (§7): a G-PDU carries a packet, echo messages a sequence number
 * (S = 1) and a Recovery element in the response, an Error Indication the TEID Data I and the peer's
 * address, an End Marker nothing but Private Extensions. The message type, or -1.
 */
export function gtpuMessage(d: Uint8Array, off: number, len: number): number {
  if (len < 8) return -1;
  const f = d[off]!;
  if ((f & 0xf8) !== 0x30) return -1;
  const type = d[off + 1]!;
  if (!GTP_U_MESSAGE_NAMES.has(type)) return -1;
  const n = u16be(d, off + 2);
  if (n + 8 !== len) return -1;
  const end = off + len;
  let q = off + 8;
  if ((f & 0x07) !== 0) {
    if (n < 4) return -1;
    let next = (f & 0x04) !== 0 ? d[q + 3]! : 0;
    q += 4;
    for (let k = 0; next !== 0; k++) {
      if (k === MAX_EXTENSION_HEADERS || q >= end) return -1;
      const size = d[q]! * 4;
      if (size === 0 || q + size > end) return -1;
      next = d[q + size - 1]!;
      q += size;
    }
  }
  const sequence = (f & 0x02) !== 0;
  switch (type) {
    case GtpUMessage.GPdu:
      return q < end ? type : -1;
    case GtpUMessage.EchoRequest:
      return sequence && onlyPrivateExtensions(d, q, end) ? type : -1;
    case GtpUMessage.EchoResponse:
      return sequence && elementsFit(d, q, end, IE_RECOVERY) ? type : -1;
    case GtpUMessage.ErrorIndication:
      return elementsFit(d, q, end, IE_TEID_DATA_I, IE_GTPU_PEER_ADDRESS) ? type : -1;
    case GtpUMessage.SupportedExtensionHeadersNotification:
      return elementsFit(d, q, end, IE_EXTENSION_HEADER_TYPE_LIST) ? type : -1;
    case GtpUMessage.EndMarker:
      return onlyPrivateExtensions(d, q, end) ? type : -1;
    default: // Tunnel Status (Rel-17): its elements are not checked
      return elementsFit(d, q, end, -1) ? type : -1;
  }
}

// GTP' message types (TS 32.295 §6.2; 1..3 shared with GTP, 4..7 from GSM 12.15)
export const GtpPrimeMessage = {
  EchoRequest: 1,
  EchoResponse: 2,
  VersionNotSupported: 3,
  NodeAliveRequest: 4,
  NodeAliveResponse: 5,
  RedirectionRequest: 6,
  RedirectionResponse: 7,
  DataRecordTransferRequest: 240,
  DataRecordTransferResponse: 241,
} as const;

export const GTP_PRIME_MESSAGE_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'echo_request'],
  [2, 'echo_response'],
  [3, 'version_not_supported'],
  [4, 'node_alive_request'],
  [5, 'node_alive_response'],
  [6, 'redirection_request'],
  [7, 'redirection_response'],
  [240, 'data_record_transfer_request'],
  [241, 'data_record_transfer_response'],
]);

/** GTP' header length: 6 octets, or 20 for version 0 with the header-length bit clear */
export function gtpPrimeHeaderLength(flags: number): number {
  return flags >> 5 === 0 && (flags & 0x01) === 0 ? 20 : 6;
}

/**
 * A GTP' message (TS 32.295 §6.1): flags with version 0, 1 or 2, PT 0, the three spare bits set to
 * 1 and the header-length bit (version 0: 0 for the 20-octet header of GTPv0, 1 for the 6-octet
 * one; versions 1 and 2 always have 6 octets and keep it 0); a message type GTP' defines; a length
 * equal to what follows the header; a sequence number. Then the elements must fill the message,
 * beginning with the mandatory one of its type: Node Address in a Node Alive Request, Cause in the
 * redirection messages and the Data Record Transfer Response, Packet Transfer Command in the Data
 * Record Transfer Request. The message type, or -1.
 */
export function gtpPrimeMessage(d: Uint8Array, off: number, len: number): number {
  if (len < 6) return -1;
  const f = d[off]!;
  if ((f & 0x1e) !== 0x0e) return -1;
  const version = f >> 5;
  if (version > 2 || (version !== 0 && (f & 0x01) !== 0)) return -1;
  const type = d[off + 1]!;
  if (!GTP_PRIME_MESSAGE_NAMES.has(type)) return -1;
  const header = gtpPrimeHeaderLength(f);
  if (header + u16be(d, off + 2) !== len) return -1;
  const q = off + header;
  const end = off + len;
  switch (type) {
    case GtpPrimeMessage.NodeAliveRequest:
      return elementsFit(d, q, end, IE_NODE_ADDRESS) ? type : -1;
    case GtpPrimeMessage.RedirectionRequest:
    case GtpPrimeMessage.RedirectionResponse:
    case GtpPrimeMessage.DataRecordTransferResponse:
      return elementsFit(d, q, end, IE_CAUSE) ? type : -1;
    case GtpPrimeMessage.DataRecordTransferRequest:
      return elementsFit(d, q, end, IE_PACKET_TRANSFER_COMMAND) ? type : -1;
    case GtpPrimeMessage.VersionNotSupported:
      return q === end ? type : -1;
    default:
      return elementsFit(d, q, end, -1) ? type : -1;
  }
}
