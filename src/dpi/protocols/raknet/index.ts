import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// RakNet (the open-source UDP game networking library, used by Minecraft Bedrock, Roblox and
// many others), per its public documentation and source headers: before a connection exists,
// peers exchange "offline" messages that carry the 16-byte OFFLINE_MESSAGE_DATA_ID magic
// 00 FF FF 00 FE FE FE FE FD FD FD FD 12 34 56 78. Where it sits depends on the message id:
// right after the id byte in the open-connection handshake (0x05 request 1, 0x06 reply 1,
// 0x07 request 2, 0x08 reply 2 — games that fork RakNet renumber these ids, so any id byte is
// taken here), after an 8-byte time in unconnected pings (0x01, 0x02), after the time and a
// 64-bit GUID in the unconnected pong (0x1C), after a protocol-version byte in "incompatible
// protocol version" (0x19). Connected traffic (datagrams with bit 0x80) carries no magic, so
// only the handshake names a flow.

const MAGIC = [0x00, 0xff, 0xff, 0x00, 0xfe, 0xfe, 0xfe, 0xfe, 0xfd, 0xfd, 0xfd, 0xfd, 0x12, 0x34, 0x56, 0x78] as const;

function magicAt(d: Uint8Array, off: number, len: number, at: number): boolean {
  if (at + MAGIC.length > len) return false;
  for (let i = 0; i < MAGIC.length; i++) if (d[off + at + i] !== MAGIC[i]) return false;
  return true;
}

/** whether the datagram is a RakNet offline message */
export function isRakNetOffline(d: Uint8Array, off: number, len: number): boolean {
  if (len < 1 + MAGIC.length || len > 1500) return false;
  const id = d[off]!;
  if (magicAt(d, off, len, 1)) return true;
  if (id === 0x01 || id === 0x02) return magicAt(d, off, len, 9);
  if (id === 0x1c) return magicAt(d, off, len, 17);
  if (id === 0x19) return magicAt(d, off, len, 2);
  return false;
}

interface State {
  offline: number;
}

export default defineDissector<State>({
  name: 'raknet',
  protocols: [{ name: 'RakNet', category: 'Game', kind: 'protocol', udpPorts: [19132], description: 'RakNet game networking (Minecraft Bedrock, Roblox…)' }],
  transports: Transport.Udp,
  maxPackets: 2,
  probe(d, off, len) {
    return isRakNetOffline(d, off, len);
  },
  createState() {
    return { offline: 0 };
  },
  inspect(s, d, off, len, ctx) {
    if (!isRakNetOffline(d, off, len)) return Verdict.NotMine;
    s.offline++;
    ctx.setProtocol(ctx.protocolId('RakNet'));
    return Verdict.Done;
  },
});
