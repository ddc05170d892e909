import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// OpenVPN (OpenVPN's protocol documentation, "ssl.h"/openvpn-rfc "The OpenVPN protocol"): each
// packet starts with opcode (5 bits) and key id (3 bits); control packets then carry the
// sender's 8-byte session id. A session opens with P_CONTROL_HARD_RESET_CLIENT_V2 (7) or _V3 (10,
// tls-crypt-v2), key id 0, answered by P_CONTROL_HARD_RESET_SERVER_V2 (8), key id 0, with the
// server's session id. Over TCP each packet is prefixed by its 16-bit length.
// Named when a client reset is answered by a server reset.

export const Op = { ResetClientV2: 7, ResetServerV2: 8, ResetClientV3: 10 } as const;
/** opcode + session id + ack count + packet id: the smallest reset without tls-auth */
const MIN_RESET = 1 + 8 + 1 + 4;

interface State {
  clientReset: boolean;
  /** TCP: a 2-byte length prefix is checked per direction once */
}

function packet(data: Uint8Array, off: number, len: number, tcp: boolean): { op: number; key: number } | null {
  if (tcp) {
    if (len < 2) return null;
    const n = (data[off]! << 8) | data[off + 1]!;
    // the first packet must be there whole (resets are small) and fill the prefix exactly
    if (n < MIN_RESET || n > 1500 || len - 2 < n) return null;
    off += 2;
    len = n;
  }
  if (len < MIN_RESET) return null;
  return { op: data[off]! >> 3, key: data[off]! & 7 };
}

export default defineDissector<State>({
  name: 'openvpn',
  protocols: [{ name: 'OpenVPN', category: 'VPN', kind: 'protocol', tcpPorts: [1194], udpPorts: [1194], description: 'OpenVPN' }],
  transports: Transport.Tcp | Transport.Udp,
  maxPackets: 4,
  probe(data, off, len, ctx) {
    if (ctx.l4 === 6 && len < 3) return true;
    const p = packet(data, off, len, ctx.l4 === 6);
    return p !== null && p.key === 0 && (p.op === Op.ResetClientV2 || p.op === Op.ResetClientV3);
  },
  createState() {
    return { clientReset: false };
  },
  inspect(state, data, off, len, ctx) {
    const tcp = ctx.l4 === 6;
    if (tcp && ctx.newData !== off && ctx.dir === 0) return Verdict.Continue;
    const p = packet(data, off, len, tcp);
    if (!p) return tcp && len < 2 ? Verdict.Continue : Verdict.NotMine;
    if (ctx.dir === 0) {
      if (!state.clientReset) {
        if (p.key !== 0 || (p.op !== Op.ResetClientV2 && p.op !== Op.ResetClientV3)) return Verdict.NotMine;
        state.clientReset = true;
      }
      return Verdict.Continue;
    }
    if (!state.clientReset || p.key !== 0 || p.op !== Op.ResetServerV2) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('OpenVPN'));
    return Verdict.Done;
  },
});
