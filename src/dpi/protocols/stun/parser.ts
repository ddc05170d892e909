// STUN (RFC 8489, formerly RFC 5389; classic STUN RFC 3489) and TURN (RFC 8656).
// A STUN message: 2 bits zero, 14-bit message type, 16-bit length (of the attributes, a multiple
// of 4), magic cookie 0x2112A442 (absent in RFC 3489), 12-byte transaction id (16 in RFC 3489),
// then TLV attributes padded to 4 bytes. TURN ChannelData: channel number 0x4000–0x4FFF, length,
// application data.

export const MAGIC_COOKIE = 0x2112a442;
export const HEADER_LEN = 20;

export const Attr = {
  MappedAddress: 0x0001,
  Username: 0x0006,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  Realm: 0x0014,
  Nonce: 0x0015,
  XorMappedAddress: 0x0020,
  Software: 0x8022,
  Fingerprint: 0x8028,
} as const;

/** RFC 3489 message types: Binding and Shared Secret request / response / error */
const CLASSIC_TYPES = new Set([0x0001, 0x0101, 0x0111, 0x0002, 0x0102, 0x0112]);

export interface StunMessage {
  type: number;
  /** bytes the message takes (header + attributes) */
  size: number;
  classic: boolean;
  /** attribute types in order */
  attrs: number[];
  realm: string | null;
  software: string | null;
}

function text(data: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = 0; i < Math.min(n, 128); i++) {
    const c = data[at + i]!;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
  }
  return s;
}

/**
 * The STUN message at the start of `data[off..off+len)`; `exact` asks that it fill the buffer
 * (a UDP datagram). null when the bytes are not a well-formed STUN message.
 */
export function readStun(data: Uint8Array, off: number, len: number, exact: boolean): StunMessage | null {
  // attributes are padded to 4 bytes; WhatsApp's relays do not pad: try both, padded first
  return readStunWith(data, off, len, exact, true) ?? readStunWith(data, off, len, exact, false);
}

function readStunWith(data: Uint8Array, off: number, len: number, exact: boolean, padded: boolean): StunMessage | null {
  if (len < HEADER_LEN) return null;
  const type = (data[off]! << 8) | data[off + 1]!;
  if ((type & 0xc000) !== 0) return null;
  const alen = (data[off + 2]! << 8) | data[off + 3]!;
  const size = HEADER_LEN + alen;
  const cookie = ((data[off + 4]! << 24) | (data[off + 5]! << 16) | (data[off + 6]! << 8) | data[off + 7]!) >>> 0;
  const classic = cookie !== MAGIC_COOKIE;
  if (classic && !padded) return null;
  // a datagram cut short by the capture's snap length: with the magic cookie, read what is there
  const truncated = exact && !classic && size > len;
  if (!truncated && (size > len || (exact && size !== len))) return null;
  // RFC 8489 pads every attribute, so the length is a multiple of 4; some relays (WhatsApp's)
  // leave the last attribute unpadded, which the magic cookie makes safe to accept
  if (classic && (alen & 3) !== 0) return null;
  if (classic && !CLASSIC_TYPES.has(type)) return null;
  const msg: StunMessage = { type, size, classic, attrs: [], realm: null, software: null };
  let p = off + HEADER_LEN;
  const end = off + Math.min(size, len);
  while (p < end) {
    if (p + 4 > end) return truncated ? msg : null;
    const at = (data[p]! << 8) | data[p + 1]!;
    const al = (data[p + 2]! << 8) | data[p + 3]!;
    const next = p + 4 + (padded ? (al + 3) & ~3 : al);
    // RFC 3489 attributes are not padded, but their lengths are multiples of 4 anyway
    if (p + 4 + al > end) {
      if (!truncated) return null;
      msg.attrs.push(at);
      return msg;
    }
    if (at === Attr.Realm) msg.realm = text(data, p + 4, al);
    else if (at === Attr.Software) msg.software = text(data, p + 4, al);
    msg.attrs.push(at);
    if (msg.attrs.length > 64) return null;
    p = Math.min(next, end);
  }
  if (classic && msg.attrs.length === 0 && type !== 0x0001) return null;
  return msg;
}

/** TURN ChannelData at `off` (RFC 8656 §12.4): its size with padding, or 0 when not ChannelData. */
export function channelDataSize(data: Uint8Array, off: number, len: number): number {
  if (len < 4) return 0;
  const ch = (data[off]! << 8) | data[off + 1]!;
  if (ch < 0x4000 || ch > 0x4fff) return 0;
  const n = (data[off + 2]! << 8) | data[off + 3]!;
  if (4 + n > len) return 0;
  return 4 + n;
}

export interface Application {
  name: string;
  why: string;
}

/**
 * The service a STUN message shows it belongs to, when an attribute says so:
 *  - REALM (RFC 8489 §14.9), the TURN server's authentication realm: signal.org (Signal),
 *    google.com names (Google's TURN, used by Meet / Duo), facebook (Messenger / Facebook calls);
 *  - attributes of Microsoft's STUN/TURN extensions ([MS-TURN], [MS-ICE2]): MS-VERSION 0x8008,
 *    MS-SEQUENCE-NUMBER 0x8050, CANDIDATE-IDENTIFIER 0x8054, MS-SERVICE-QUALITY 0x8055,
 *    MS-IMPLEMENTATION-VERSION 0x8070: Skype / Teams;
 *  - WhatsApp's relays speak STUN with private attributes in the comprehension-required
 *    range, 0x4000–0x4003 (not assigned by IANA; seen in WhatsApp's allocate exchanges).
 */
export function applicationOf(m: StunMessage): Application | null {
  if (m.realm) {
    const r = m.realm.toLowerCase().replace(/^"|"$/g, '');
    if (r === 'signal.org' || r.endsWith('.signal.org')) return { name: 'SignalVoip', why: 'realm' };
    if (r === 'google.com' || r.endsWith('.google.com')) return { name: 'GoogleCall', why: 'realm' };
    if (r === 'turner.facebook' || r.endsWith('.facebook.com') || r === 'facebook.com') return { name: 'FacebookVoip', why: 'realm' };
  }
  for (const a of m.attrs) {
    if (a === 0x8008 || a === 0x8050 || a === 0x8054 || a === 0x8055 || a === 0x8070) return { name: 'Skype_TeamsCall', why: 'ms-attribute' };
    if (a >= 0x4000 && a <= 0x4003) return { name: 'WhatsAppCall', why: 'private-attribute' };
  }
  // WhatsApp's peer-to-peer connectivity checks: a Binding request or success response carrying
  // MESSAGE-INTEGRITY alone (ICE, RFC 8445, would add USERNAME, PRIORITY and ICE-CONTROLLING/ED)
  if (!m.classic && (m.type === 0x0001 || m.type === 0x0101) && m.attrs.length === 1 && m.attrs[0] === Attr.MessageIntegrity && m.size === 44) {
    return { name: 'WhatsAppCall', why: 'integrity-only-binding' };
  }
  return null;
}
