import { type DecodedPacket } from '../decode/packet.js';

// A flow key is ten 32-bit words, built without strings:
//   [0] (vlan+1) << 16 | ipVersion << 8 | l4 protocol
//   [1..4] endpoint A address, [5..8] endpoint B address, [9] portA << 16 | portB
// Endpoint A is the smaller (address, port) of the two, so a flow and its reverse share a key
// (and a hash). `aIsSource` says which way the packet went.

export const KEY_WORDS = 10;

export class FlowKeyBuilder {
  readonly key = new Uint32Array(KEY_WORDS);
  /** true when the packet's source is endpoint A */
  aIsSource = true;
  hash = 0;

  build(p: DecodedPacket): void {
    const k = this.key;
    const a = p.addr;
    k[0] = (((p.vlan + 1) & 0xffff) << 16) | (p.ipVersion << 8) | (p.l4Proto & 0xff);
    // compare (src, sport) with (dst, dport) word by word
    let order = 0;
    for (let i = 0; i < 4; i++) {
      const s = a[i]!;
      const d = a[4 + i]!;
      if (s !== d) {
        order = s < d ? -1 : 1;
        break;
      }
    }
    if (order === 0) order = p.sport <= p.dport ? -1 : 1;
    if (order < 0) {
      k[1] = a[0]!; k[2] = a[1]!; k[3] = a[2]!; k[4] = a[3]!;
      k[5] = a[4]!; k[6] = a[5]!; k[7] = a[6]!; k[8] = a[7]!;
      k[9] = ((p.sport << 16) | p.dport) >>> 0;
      this.aIsSource = true;
    } else {
      k[1] = a[4]!; k[2] = a[5]!; k[3] = a[6]!; k[4] = a[7]!;
      k[5] = a[0]!; k[6] = a[1]!; k[7] = a[2]!; k[8] = a[3]!;
      k[9] = ((p.dport << 16) | p.sport) >>> 0;
      this.aIsSource = false;
    }
    this.hash = hashKey(k);
  }
}

/** Murmur3-style mixing over the key words. Symmetric because the key is already canonical. */
export function hashKey(k: Uint32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < KEY_WORDS; i++) {
    let w = Math.imul(k[i]!, 0xcc9e2d51);
    w = (w << 15) | (w >>> 17);
    h ^= Math.imul(w, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
