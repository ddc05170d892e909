import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16le } from '../../helpers/text.js';

// Weave (OpenWeave, Nest's device protocol; its message layer is described in the openweave-core
// documentation), TCP and UDP port 11095. Over TCP each message is preceded by its 16-bit
// little-endian length. A message starts with a 16-bit little-endian header field — message
// version in the top 4 bits (1 or 2), encryption type in bits 4–7 (0 none, 1–2 AES modes),
// flags: 0x0100 destination node id present, 0x0200 source node id present — then a 32-bit
// message id and the node ids (64-bit each). Unencrypted messages then carry the exchange header,
// whose first byte has the exchange version (1) in its top 4 bits. nDPI calls it NestLogSink
// after the service Nest devices send their logs to.

const PORT = 11095;
const FLAG_DEST = 0x0100;
const FLAG_SOURCE = 0x0200;

/**
 * Is d[off..off+len) a plausible Weave message (header and, when unencrypted, exchange header)?
 * `prefix`: the bytes may stop before the exchange header (a TCP segment with the message's start).
 */
export function weaveMessage(d: Uint8Array, off: number, len: number, prefix = false): boolean {
  if (len < 8) return false;
  const field = u16le(d, off);
  const version = field >>> 12;
  const encryption = (field >>> 4) & 0xf;
  if (version < 1 || version > 2 || encryption > 2) return false;
  let at = 6 + ((field & FLAG_SOURCE) !== 0 ? 8 : 0) + ((field & FLAG_DEST) !== 0 ? 8 : 0);
  if (encryption !== 0) at += 2; // key id
  if (at >= len) return prefix;
  return encryption !== 0 || d[off + at]! >>> 4 === 1;
}

export default defineDissector<null>({
  name: 'weave',
  protocols: [{ name: 'Weave', ndpi: 'NestLogSink', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [PORT], udpPorts: [PORT], description: 'Nest Weave device messaging (OpenWeave), e.g. Nest devices sending their logs' }],
  transports: Transport.Tcp | Transport.Udp,
  maxPackets: 3,
  probe(d, off, len, ctx) {
    if (ctx.serverPort !== PORT && ctx.clientPort !== PORT) return false;
    if (ctx.l4 === 17) return weaveMessage(d, off, len);
    return len < 10 || (u16le(d, off) >= 8 && weaveMessage(d, off + 2, len - 2, true));
  },
  createState() {
    return null;
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.l4 === 17) {
      if (!weaveMessage(d, off, len)) return Verdict.NotMine;
    } else {
      if (len < 10) return Verdict.Continue;
      const size = u16le(d, off);
      // the first message's length prefix: the message itself, or the start of it, follows
      if (size < 8 || !weaveMessage(d, off + 2, Math.min(size, len - 2), len - 2 < size)) return Verdict.NotMine;
      if (len - 2 < size && ctx.payloadPackets < 3) return Verdict.Continue;
    }
    ctx.setProtocol(ctx.protocolId('Weave'));
    return Verdict.Done;
  },
});
