import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';
import { keccak256 } from './keccak.js';

// Ethereum peer-to-peer networking (devp2p specifications):
// - Node Discovery v4 over UDP (discv4): packet = hash(32) || signature(65) || packet-type ||
//   RLP data, where hash = keccak256(signature || packet-type || data). The hash is checked.
//   Types: 1 Ping, 2 Pong, 3 FindNode, 4 Neighbors, 5 ENRRequest, 6 ENRResponse.
// - RLPx over TCP: the handshake opens with an ECIES-encrypted auth message, since EIP-8 a
//   2-byte size then 0x04 || ephemeral public key (64) || IV (16) || ciphertext || MAC (32);
//   before EIP-8 exactly 307 (auth) or 210 (ack) bytes without the size. The ephemeral key must
//   be a point of secp256k1 (y² = x³ + 7 mod p), which is checked.

interface State {
  done: boolean;
}

const P = (1n << 256n) - (1n << 32n) - 977n;
const DISCV4_TYPES = ['', 'Ping', 'Pong', 'FindNode', 'Neighbors', 'ENRRequest', 'ENRResponse'];

function bigAt(d: Uint8Array, i: number): bigint {
  let v = 0n;
  for (let k = 0; k < 32; k++) v = (v << 8n) | BigInt(d[i + k]!);
  return v;
}

/** is the 64 bytes at i (x || y) a point of secp256k1? */
export function onSecp256k1(d: Uint8Array, i: number): boolean {
  const x = bigAt(d, i);
  const y = bigAt(d, i + 32);
  if (x >= P || y >= P) return false;
  return (y * y - (x * x * x + 7n)) % P === 0n;
}

/** the discv4 packet type, or 0 */
export function discv4Type(d: Uint8Array, off: number, len: number): number {
  if (len < 32 + 65 + 1 + 1 || len > 1280) return 0;
  const type = d[off + 97]!;
  if (type < 1 || type > 6) return 0;
  if (d[off + 98]! < 0xc0) return 0; // the data is an RLP list
  const h = keccak256(d, off + 32, len - 32);
  for (let k = 0; k < 32; k++) if (h[k] !== d[off + k]) return 0;
  return type;
}

/** 'eip8' or 'legacy' when the first message of a direction is an RLPx handshake message */
export function rlpxHandshake(d: Uint8Array, off: number, len: number): string | null {
  if (len >= 2 + 65 + 16 + 32 && d[off + 2] === 0x04) {
    const size = u16be(d, off);
    if (size + 2 === len || (size + 2 < len && size >= 65 + 16 + 32)) {
      if (size + 2 <= len && onSecp256k1(d, off + 3)) return 'eip8';
    }
  }
  if ((len === 307 || len === 210) && d[off] === 0x04 && onSecp256k1(d, off + 1)) return 'legacy';
  return null;
}

export default defineDissector<State>({
  name: 'ethereum',
  protocols: [{ name: 'Ethereum', ndpi: 'ETHEREUM', category: 'Crypto_Currency', kind: 'protocol', tcpPorts: [30303], udpPorts: [30303], description: 'Ethereum devp2p (RLPx and node discovery)' }],
  transports: Transport.Tcp | Transport.Udp,
  maxPackets: 3,
  fields: [
    { name: 'discovery', type: 'string', description: 'the first discovery v4 packet type (Ping, Pong, FindNode, …)' },
    { name: 'handshake', type: 'string', description: 'RLPx handshake format: eip8 or legacy' },
  ],
  probe(d, off, len, ctx) {
    if (ctx.l4 === 17) return len >= 99 && d[off + 97]! >= 1 && d[off + 97]! <= 6 && d[off + 98]! >= 0xc0;
    return len < 2 || d[off + 2] === 0x04 || d[off] === 0x04;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.l4 === 17) {
      const t = discv4Type(d, off, len);
      if (t === 0) return Verdict.NotMine;
      ctx.setProtocol(ctx.protocolId('Ethereum'));
      ctx.setField('discovery', DISCV4_TYPES[t]!);
      return Verdict.Done;
    }
    if (len < 2 + 65) return Verdict.Continue;
    if (d[off + 2] === 0x04 && u16be(d, off) + 2 > len && len < 1200) {
      // EIP-8 message still arriving: the key is complete already
      if (!onSecp256k1(d, off + 3)) return Verdict.NotMine;
      if (u16be(d, off) < 65 + 16 + 32) return Verdict.NotMine;
      ctx.setProtocol(ctx.protocolId('Ethereum'));
      ctx.setField('handshake', 'eip8');
      return Verdict.Done;
    }
    const k = rlpxHandshake(d, off, len);
    if (!k) return len < 307 && d[off] === 0x04 ? Verdict.Continue : Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Ethereum'));
    ctx.setField('handshake', k);
    return Verdict.Done;
  },
});
