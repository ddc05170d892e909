import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// OICQ, the UDP protocol of the QQ instant messenger (Tencent). Layout as in Wireshark's OICQ
// dissector documentation: a 0x02 start flag, a 16-bit client version, a 16-bit command, a
// 16-bit sequence number and the 32-bit QQ number, then the (encrypted) body; every message
// ends with a 0x03 flag. Servers listen on UDP 8000 (and 4000 on the client side of old
// versions). The QQ number identifies a person: it is never output.

/** the server port (declared) and old clients' port (accepted by the probe, not declared: other
 * services use UDP 4000 and a port guess would name them) */
export const OICQ_PORTS = [8000, 4000] as const;
const HEADER = 11;

/** Does the datagram have OICQ's framing and a plausible header? */
export function isOicq(d: Uint8Array, off: number, len: number): boolean {
  if (len < HEADER + 1 || len > 65507) return false;
  if (d[off] !== 0x02 || d[off + len - 1] !== 0x03) return false;
  const version = u16be(d, off + 1);
  const command = u16be(d, off + 3);
  // versions are client build numbers (never 0); commands are small numbers (0x0001 logout …)
  return version !== 0 && command !== 0 && command < 0x0400;
}

interface State {
  messages: number;
}

export default defineDissector<State>({
  name: 'oicq',
  protocols: [{ name: 'OICQ', category: 'Chat', kind: 'protocol', udpPorts: [OICQ_PORTS[0]], description: 'QQ messenger UDP protocol (OICQ)' }],
  transports: Transport.Udp,
  firstBytes: [0x02],
  maxPackets: 2,
  probe(d, off, len, ctx) {
    // the framing is short: also ask for QQ's port
    if (!OICQ_PORTS.includes(ctx.serverPort as 8000) && !OICQ_PORTS.includes(ctx.clientPort as 8000)) return false;
    return isOicq(d, off, len);
  },
  createState() {
    return { messages: 0 };
  },
  inspect(s, d, off, len, ctx) {
    if (!isOicq(d, off, len)) return Verdict.NotMine;
    s.messages++;
    ctx.setProtocol(ctx.protocolId('OICQ'));
    return Verdict.Done;
  },
});
