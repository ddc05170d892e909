import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// H.323 call signalling (ITU-T H.225.0 §7 "Call signalling message", with ITU-T Q.931 §4
// "General message format and information elements coding"), TCP 1720. Each message travels in a
// TPKT (RFC 1006 §6: version 3, reserved 0, a 16-bit length counting the 4 header octets); inside
// is a Q.931 message: protocol discriminator 0x08, a call reference length octet (H.225.0 uses
// two octets of call reference), the call reference, a message type octet (bit 8 zero), then
// information elements: single-octet ones have bit 8 set, the others carry an identifier and a
// one-octet length, except User-user (0x7e) whose length is two octets in H.225.0. Every H.225.0
// message carries the H.323-UserInformation in that User-user element, opened by the
// protocol discriminator 0x05 (X.208/X.209 coded); its PER encoding holds the protocolIdentifier
// OBJECT IDENTIFIER {itu-t(0) recommendation(0) h(8) 2250 version(0) N}, whose N is the H.225.0
// version. TPKT is also the framing of RDP, S7comm and MMS (over X.224): the Q.931 discriminator
// and the element walk tell them apart. RAS (UDP 1719, PER-encoded without any framing or magic)
// is not recognised: its first octet is only a CHOICE index, too weak a signal.
// Numbers, display names and the rest of the user information are not output.

const MESSAGE_TYPES = new Map<number, string>([
  [0x01, 'Alerting'], [0x02, 'CallProceeding'], [0x03, 'Progress'], [0x05, 'Setup'], [0x07, 'Connect'],
  [0x0d, 'SetupAcknowledge'], [0x0f, 'ConnectAcknowledge'], [0x20, 'UserInformation'], [0x45, 'Disconnect'],
  [0x46, 'Restart'], [0x4d, 'Release'], [0x4e, 'RestartAcknowledge'], [0x5a, 'ReleaseComplete'], [0x62, 'Facility'],
  [0x6e, 'Notify'], [0x75, 'StatusEnquiry'], [0x7b, 'Information'], [0x7d, 'Status'],
]);
const Q931_DISCRIMINATOR = 0x08;
const USER_USER = 0x7e;
const X208_CODED = 0x05;
const H225_PORT = 1720;
const TPKT_HEADER = 4;

const MORE = 'more' as const;

export interface CallSignallingMessage {
  messageType: number;
  /** the User-user element with X.208/X.209 coded H.323 user information was present */
  userInformation: boolean;
  /** the H.225.0 version from protocolIdentifier, when found */
  version?: number;
}

/** The first Q.931 message of the TPKTs at d[p..end): MORE when it is not all here, null when not H.225.0. */
export function parseCallSignalling(d: Uint8Array, p: number, end: number): CallSignallingMessage | typeof MORE | null {
  // empty TPKTs are keep-alives (H.225.0 §7.6); the first real message decides
  for (;;) {
    const have = end - p;
    if (have < 1) return MORE;
    if (d[p] !== 3) return null;
    if (have < 2) return MORE;
    if (d[p + 1] !== 0) return null;
    if (have < 4) return MORE;
    const length = (d[p + 2]! << 8) | d[p + 3]!;
    if (length < TPKT_HEADER) return null;
    if (length === TPKT_HEADER) {
      p += TPKT_HEADER;
      continue;
    }
    // discriminator, call reference length 2, call reference, message type
    if (length < TPKT_HEADER + 5) return null;
    if (have >= 5 && d[p + 4] !== Q931_DISCRIMINATOR) return null;
    if (have >= 6 && d[p + 5] !== 2) return null;
    if (have >= 9 && !MESSAGE_TYPES.has(d[p + 8]!)) return null;
    if (have < length) return MORE;
    return parseQ931Elements(d, p + 9, p + length, d[p + 8]!);
  }
}

function parseQ931Elements(d: Uint8Array, p: number, end: number, messageType: number): CallSignallingMessage | null {
  const out: CallSignallingMessage = { messageType, userInformation: false };
  while (p < end) {
    const id = d[p]!;
    if (id & 0x80) {
      p++;
      continue;
    }
    if (id === USER_USER) {
      if (p + 3 > end) return null;
      const length = (d[p + 1]! << 8) | d[p + 2]!;
      const content = p + 3;
      if (length < 1 || content + length > end) return null;
      if (d[content] !== X208_CODED) return null;
      out.userInformation = true;
      const version = h225Version(d, content + 1, content + length);
      if (version !== undefined) out.version = version;
      p = content + length;
      continue;
    }
    if (p + 2 > end) return null;
    p += 2 + d[p + 1]!;
    if (p > end) return null;
  }
  return out;
}

/** protocolIdentifier as PER writes it: length 6, then 00 08 91 4a 00 <version> (0.0.8.2250.0.N) */
function h225Version(d: Uint8Array, p: number, end: number): number | undefined {
  const limit = Math.min(end, p + 16) - 7;
  for (let i = p; i <= limit; i++) {
    if (d[i] === 0x06 && d[i + 1] === 0x00 && d[i + 2] === 0x08 && d[i + 3] === 0x91 && d[i + 4] === 0x4a && d[i + 5] === 0x00) {
      const v = d[i + 6]!;
      return v >= 1 && v <= 20 ? v : undefined;
    }
  }
  return undefined;
}

export default defineDissector<{ done: boolean }>({
  name: 'h323',
  protocols: [{ name: 'H.323', ndpi: 'H323', category: 'VoIP', kind: 'protocol', tcpPorts: [H225_PORT], description: 'H.323 call signalling (H.225.0 / Q.931 over TPKT)' }],
  transports: Transport.Tcp,
  firstBytes: [0x03],
  // a Setup split into small segments is decided once all of it is here
  maxPackets: 12,
  fields: [
    { name: 'message', type: 'string', description: 'the Q.931 message type of the first message seen, e.g. Setup, Connect' },
    { name: 'h225_version', type: 'int', description: 'the H.225.0 version in its protocolIdentifier' },
  ],
  probe(d, off, len) {
    if (d[off] !== 3) return false;
    if (len >= 2 && d[off + 1] !== 0) return false;
    return len < 5 || d[off + 4] === Q931_DISCRIMINATOR || (d[off + 2] === 0 && d[off + 3] === TPKT_HEADER);
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    const m = parseCallSignalling(d, off, off + len);
    if (m === MORE) return Verdict.Continue;
    if (m === null) return Verdict.NotMine;
    // H.225.0 puts user information in every message; without it only the H.323 port will do
    if (!m.userInformation && ctx.serverPort !== H225_PORT && ctx.clientPort !== H225_PORT) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('H.323'));
    ctx.setField('message', MESSAGE_TYPES.get(m.messageType)!);
    if (m.version !== undefined) ctx.setField('h225_version', m.version);
    return Verdict.Done;
  },
});
