import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// TP-Link Smart Home Protocol (Kasa plugs and bulbs, port 9999). TP-Link publishes no
// specification; its publicly documented trait (security write-ups, Wireshark's TP-Link SHP
// plugin notes) is a JSON command obfuscated with an autokey XOR: the key starts at 171 and each
// plaintext byte becomes the key for the next. Over UDP a datagram is one message; over TCP each
// message is preceded by its length (u32, big endian). We decode only the first bytes, to check
// for the JSON opening '{"' and printable text; the content is never output.

const KEY = 171;

/** the first n bytes decode to JSON-looking text starting '{"' */
export function looksLikeShp(d: Uint8Array, off: number, len: number): boolean {
  if (len < 8) return false;
  let key = KEY;
  const n = Math.min(len, 32);
  for (let i = 0; i < n; i++) {
    const c = d[off + i]! ^ key;
    key = d[off + i]!;
    if (i === 0 && c !== 0x7b) return false;
    if (i === 1 && c !== 0x22) return false;
    if (c < 0x20 || c > 0x7e) {
      if (c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
    }
  }
  return true;
}

export default defineDissector<{ n: number }>({
  name: 'tplink_shp',
  protocols: [{ name: 'TPLINK_SHP', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [9999], udpPorts: [9999], description: 'TP-Link Smart Home Protocol' }],
  transports: Transport.Udp | Transport.Tcp,
  firstBytes: [0xd0, 0x00],
  maxPackets: 2,
  probe(d, off, _len, ctx) {
    if (ctx.serverPort !== 9999 && ctx.clientPort !== 9999) return false;
    return ctx.l4 === 17 ? d[off] === 0xd0 : d[off] === 0x00;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.l4 === 6) {
      if (len < 12) return Verdict.Continue;
      const n = u32be(d, off);
      if (n < 8 || n > 1 << 20 || !looksLikeShp(d, off + 4, len - 4)) return Verdict.NotMine;
    } else if (!looksLikeShp(d, off, len)) {
      return Verdict.NotMine;
    }
    ctx.setProtocol(ctx.protocolId('TPLINK_SHP'));
    return Verdict.Done;
  },
});
