import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be, u32le } from '../../helpers/text.js';

// Steam's local network discovery (In-Home Streaming / Remote Play, LAN game transfer), per
// the public write-ups of the protocol (codingrange.com "Steam In-Home Streaming discovery
// protocol") and Valve's published protobuf definitions (steammessages_remoteclient_discovery
// .proto): clients broadcast on UDP 27036 datagrams made of the 8-byte signature
// FF FF FF FF 21 4C 5F A0, a 32-bit little-endian header length, the header (a protobuf
// CMsgRemoteClientBroadcastHeader), a 32-bit little-endian body length and the body. The two
// lengths must fill the datagram exactly.

export const STEAM_DISCOVERY_PORT = 27036;
const SIGNATURE_TAIL = 0x214c5fa0;

export function isSteamDiscovery(d: Uint8Array, off: number, len: number): boolean {
  if (len < 16 || u32be(d, off) !== 0xffffffff || u32be(d, off + 4) !== SIGNATURE_TAIL) return false;
  const header = u32le(d, off + 8);
  if (header === 0 || header > len - 16) return false;
  const body = u32le(d, off + 12 + header);
  // protobuf header: its first byte is a field key (field 1 or later, a known wire type)
  const key = d[off + 12]!;
  if (key < 0x08 || (key & 7) > 5) return false;
  return 16 + header + body === len;
}

interface State {
  messages: number;
}

export default defineDissector<State>({
  name: 'steam_discovery',
  protocols: [{ name: 'Steam', category: 'Game', kind: 'application', udpPorts: [STEAM_DISCOVERY_PORT], description: 'Steam (local network discovery)' }],
  transports: Transport.Udp,
  firstBytes: [0xff],
  maxPackets: 1,
  probe(d, off, len) {
    return isSteamDiscovery(d, off, len);
  },
  createState() {
    return { messages: 0 };
  },
  inspect(s, d, off, len, ctx) {
    if (!isSteamDiscovery(d, off, len)) return Verdict.NotMine;
    s.messages++;
    ctx.setApplication(ctx.protocolId('Steam'));
    return Verdict.Done;
  },
});
