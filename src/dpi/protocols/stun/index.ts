import { defineDissector, type InspectContext, Transport, Verdict, type VerdictValue } from '../../api/dissector.js';
import { applicationOf, channelDataSize, readStun, type StunMessage } from './parser.js';
import { CALL_SERVICES_BY_ADDRESS } from './call-services.js';

// STUN / TURN (see parser.ts). UDP: the first datagram must be one whole STUN message; later
// datagrams may be STUN, TURN ChannelData or the media the session carries. TCP: STUN messages
// back to back, or each prefixed by a 2-byte length (RFC 4571 framing, ICE-TCP). The call service
// is named when an attribute says so (REALM, vendor attributes: parser.ts applicationOf).

interface State {
  stun: number;
  /** an RFC 3489 Binding request without attributes: named only once answered */
  classicPending: boolean;
  /** TCP: bytes consumed per direction; framed: RFC 4571 length prefixes */
  parsed: [number, number];
  framed: boolean | null;
  app: string | null;
}

const APPS = ['WhatsAppCall', 'SignalVoip', 'GoogleCall', 'FacebookVoip', 'Skype_TeamsCall'] as const;

export default defineDissector<State>({
  name: 'stun',
  protocols: [
    { name: 'STUN', byAddress: CALL_SERVICES_BY_ADDRESS, category: 'Network', kind: 'protocol', tcpPorts: [3478], udpPorts: [3478, 19302], description: 'Session Traversal Utilities for NAT, and TURN relaying' },
    { name: 'WhatsAppCall', category: 'VoIP', kind: 'application', description: 'WhatsApp voice and video calls' },
    { name: 'SignalVoip', category: 'VoIP', kind: 'application', description: 'Signal voice and video calls' },
    { name: 'GoogleCall', category: 'VoIP', kind: 'application', description: 'Google Meet / Duo calls' },
    { name: 'FacebookVoip', category: 'VoIP', kind: 'application', description: 'Facebook Messenger calls' },
    { name: 'Skype_TeamsCall', category: 'VoIP', kind: 'application', description: 'Skype and Microsoft Teams calls' },
    { name: 'ViberVoip', category: 'VoIP', kind: 'application', description: 'Viber voice and video calls' },
    { name: 'TelegramVoip', category: 'VoIP', kind: 'application', description: 'Telegram voice and video calls' },
    { name: 'LineCall', category: 'VoIP', kind: 'application', description: 'LINE voice and video calls' },
    { name: 'KakaoTalk_Voice', category: 'VoIP', kind: 'application', description: 'KakaoTalk voice and video calls' },
  ],
  transports: Transport.Tcp | Transport.Udp,
  // the message type's top two bits are zero
  firstBytes: Array.from({ length: 0x40 }, (_, i) => i),
  maxPackets: 8,
  fields: [
    { name: 'software', type: 'string', description: 'the SOFTWARE attribute (client or server implementation)' },
    { name: 'realm', type: 'string', description: "the TURN server's REALM" },
  ],
  probe(data, off, len, ctx) {
    if (ctx.l4 === 17) return readStun(data, off, len, true) !== null;
    if (len < 20) return true;
    return readStun(data, off, len, false) !== null || (len >= 22 && readStun(data, off + 2, len - 2, false) !== null);
  },
  createState() {
    return { stun: 0, classicPending: false, parsed: [0, 0], framed: null, app: null };
  },
  inspect(state, data, off, len, ctx) {
    if (ctx.l4 === 17) {
      const m = readStun(data, off, len, true);
      if (m) return onMessage(state, m, ctx);
      if (state.stun === 0 && !state.classicPending) return Verdict.NotMine;
      // RFC 7983: on a flow that ICE opened, a first byte of 20–63 is DTLS (WebRTC's key exchange)
      const b = data[off]!;
      if (len >= 13 && b >= 20 && b <= 63) ctx.startDissector('dtls');
      else if (len >= 8 && b >= 128 && b <= 191) ctx.startDissector('rtp'); // RTP / RTCP media
      // ChannelData or media after the STUN exchange: keep looking for the service a while
      void channelDataSize;
      return Verdict.Continue;
    }
    // TCP
    let at = state.parsed[ctx.dir];
    if (ctx.gap) return state.stun > 0 ? Verdict.Done : Verdict.NotMine;
    for (let guard = 0; guard < 16 && at < len; guard++) {
      if (state.framed === null) {
        if (len - at < 20) return Verdict.Continue;
        if (readStun(data, off + at, len - at, false)) state.framed = false;
        else if (len - at >= 22 && readStun(data, off + at + 2, len - at - 2, false)) state.framed = true;
        else return state.stun > 0 ? Verdict.Done : Verdict.NotMine;
      }
      const hdr = state.framed ? 2 : 0;
      if (len - at < hdr + 4) break;
      const p = off + at + hdr;
      const ch = channelDataSize(data, p, len - at - hdr);
      if (ch > 0) {
        at += hdr + ((ch + 3) & ~3);
        continue;
      }
      const declared = 20 + (((data[p + 2]! << 8) | data[p + 3]!));
      if (len - at - hdr < declared) break; // wait for the rest
      const m = readStun(data, p, declared, true);
      if (!m) return state.stun > 0 ? Verdict.Done : Verdict.NotMine;
      at += hdr + declared;
      const v = onMessage(state, m, ctx);
      if (v !== Verdict.Continue) {
        state.parsed[ctx.dir] = at;
        return v;
      }
    }
    state.parsed[ctx.dir] = at;
    return Verdict.Continue;
  },
});

function onMessage(state: State, m: StunMessage, ctx: InspectContext): VerdictValue {
  if (m.classic && m.attrs.length === 0) {
    state.classicPending = true;
    return Verdict.Continue;
  }
  state.stun++;
  // STUN opens flows that carry other protocols (DTLS, RTP): it names the flow only until they do
  const stunId = ctx.protocolId('STUN');
  if (ctx.currentProtocol === 0 || ctx.currentProtocol === stunId) ctx.setProtocol(stunId);
  if (m.software) ctx.setField('software', m.software);
  if (m.realm) {
    ctx.setField('realm', m.realm);
    // the TURN server's domain names the service the relay belongs to
    ctx.setHostname(m.realm);
  }
  const app = applicationOf(m);
  if (app && state.app === null && (APPS as readonly string[]).includes(app.name)) {
    state.app = app.name;
    ctx.setApplication(ctx.protocolId(app.name));
    ctx.shareApplicationWithClientSocket();
    return Verdict.Done;
  }
  return Verdict.Continue;
}
