import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { startsWithAscii, u32le } from '../../helpers/text.js';

// netcode.io, the connection protocol of Glenn Fiedler's yojimbo game network library (its
// STANDARD.md, "Packet Structure"). Every packet but one is encrypted: its prefix byte holds the
// packet type (1..6) and the sequence length, then AEAD ciphertext — nothing to check. The one
// cleartext packet, the client's *connection request*, is:
//   0 (prefix byte)
//   version info, 13 bytes: "NETCODE 1.0x" and a NUL
//   protocol id (u64 LE), connect token expire timestamp (u64 LE)
//   1.00/1.01: connect token sequence (8 bytes); 1.02: connect token nonce (24 bytes)
//   encrypted private connect token data (1024 bytes)
// so exactly 1062 bytes (1.00, 1.01) or 1078 bytes (1.02): servers ignore any other size, and so
// does this dissector. No fixed port (the examples use 40000).

const VERSION_LEN = 13;
const LEN_OLD = 1 + VERSION_LEN + 8 + 8 + 8 + 1024; // 1062
const LEN_102 = 1 + VERSION_LEN + 8 + 8 + 24 + 1024; // 1078

/** the minor version digit (0, 1, 2) when the datagram is a connection request, else -1 */
export function netcodeRequestVersion(d: Uint8Array, off: number, len: number): number {
  if ((len !== LEN_OLD && len !== LEN_102) || d[off] !== 0) return -1;
  if (!startsWithAscii(d, off + 1, len - 1, 'NETCODE 1.0') || d[off + 13] !== 0) return -1;
  const minor = d[off + 12]! - 0x30;
  if (minor < 0 || minor > 2) return -1;
  if (minor === 2 && len !== LEN_102) return -1;
  if (minor === 0 && len !== LEN_OLD) return -1;
  return minor;
}

interface State {
  seen: number;
}

export default defineDissector<State>({
  name: 'yojimbo',
  protocols: [{ name: 'Yojimbo', category: 'Game', kind: 'protocol', description: 'netcode.io / yojimbo game connection protocol (cleartext connection request)' }],
  transports: Transport.Udp,
  firstBytes: [0x00],
  maxPackets: 4,
  fields: [
    { name: 'version', type: 'string', description: "netcode.io version of the connection request, e.g. '1.02'" },
    { name: 'protocol_id', type: 'string', description: 'the 64-bit protocol id naming the game, hex' },
  ],
  probe(d, off, len) {
    // an encrypted first packet cannot be checked; only the connection request is taken
    return netcodeRequestVersion(d, off, len) >= 0;
  },
  createState() {
    return { seen: 0 };
  },
  inspect(s, d, off, len, ctx) {
    s.seen++;
    const minor = netcodeRequestVersion(d, off, len);
    if (minor < 0) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Yojimbo'));
    ctx.setField('version', `1.0${minor}`);
    const hi = u32le(d, off + 18).toString(16).padStart(8, '0');
    const lo = u32le(d, off + 14).toString(16).padStart(8, '0');
    ctx.setField('protocol_id', hi + lo);
    return Verdict.Done;
  },
});
