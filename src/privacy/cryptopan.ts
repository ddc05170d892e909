// Crypto-PAn (Xu, Fan, Ammar, Moon 2002): prefix-preserving pseudonyms for IPv4 and IPv6
// addresses under a 32-byte key. Two addresses that share a k-bit prefix get pseudonyms that share
// a k-bit prefix, and one key always maps an address to the same pseudonym, so subnets and flows
// stay recognisable while the addresses do not.
//
// Bit i of the pseudonym is bit i of the address XOR the first bit of AES_K(the address's first i
// bits followed by the remaining bits of the encrypted pad). The 32 (or 128) AES inputs depend
// only on the address, so they go to the cipher in one call.

import { createCipheriv, type Cipher } from 'node:crypto';

export const CRYPTOPAN_KEY_BYTES = 32;
const BLOCK = 16;

export class CryptoPan {
  private readonly cipher: Cipher;
  /** AES_K(the key's second half): the bits that fill each input after the address's prefix */
  private readonly pad: Buffer;
  private readonly inputs = Buffer.alloc(128 * BLOCK);
  private readonly v4Cache = new Map<number, number>();
  private readonly v6Cache = new Map<string, Uint8Array>();
  private static readonly CACHE_LIMIT = 1 << 16;

  constructor(key: Uint8Array) {
    if (key.length !== CRYPTOPAN_KEY_BYTES) throw new RangeError(`a Crypto-PAn key has ${CRYPTOPAN_KEY_BYTES} bytes, not ${key.length}`);
    this.cipher = createCipheriv('aes-128-ecb', key.subarray(0, BLOCK), null);
    this.cipher.setAutoPadding(false);
    this.pad = this.encrypt(Buffer.from(key.subarray(BLOCK, 2 * BLOCK)));
  }

  private encrypt(blocks: Buffer): Buffer {
    return this.cipher.update(blocks);
  }

  /** the pseudonym of the `bits`-bit address in `addr` (big-endian bytes), written to `out` */
  private pseudonymBits(addr: Uint8Array, bits: number, out: Uint8Array): void {
    const bytes = bits >>> 3;
    for (let pos = 0; pos < bits; pos++) {
      const at = pos * BLOCK;
      this.pad.copy(this.inputs, at);
      // the first `pos` bits from the address, the rest of the block stays the pad's
      const whole = pos >>> 3;
      for (let b = 0; b < whole; b++) this.inputs[at + b] = addr[b]!;
      const rest = pos & 7;
      if (rest !== 0) {
        const keep = (0xff << (8 - rest)) & 0xff;
        this.inputs[at + whole] = (addr[whole]! & keep) | (this.pad[whole]! & ~keep & 0xff);
      }
    }
    const encrypted = this.encrypt(this.inputs.subarray(0, bits * BLOCK));
    for (let b = 0; b < bytes; b++) {
      let flips = 0;
      for (let bit = 0; bit < 8; bit++) flips |= (encrypted[(b * 8 + bit) * BLOCK]! >>> 7) << (7 - bit);
      out[b] = addr[b]! ^ flips;
    }
  }

  /** the pseudonym of an IPv4 address given as an unsigned 32-bit number */
  ipv4(address: number): number {
    const known = this.v4Cache.get(address);
    if (known !== undefined) return known;
    const addr = new Uint8Array([address >>> 24, (address >>> 16) & 0xff, (address >>> 8) & 0xff, address & 0xff]);
    const out = new Uint8Array(4);
    this.pseudonymBits(addr, 32, out);
    const pseudonym = ((out[0]! << 24) | (out[1]! << 16) | (out[2]! << 8) | out[3]!) >>> 0;
    if (this.v4Cache.size >= CryptoPan.CACHE_LIMIT) this.v4Cache.clear();
    this.v4Cache.set(address, pseudonym);
    return pseudonym;
  }

  /** the pseudonym of an IPv6 address given as 16 bytes */
  ipv6(address: Uint8Array): Uint8Array {
    const cacheKey = Buffer.from(address.buffer, address.byteOffset, 16).toString('latin1');
    const known = this.v6Cache.get(cacheKey);
    if (known !== undefined) return known;
    const out = new Uint8Array(16);
    this.pseudonymBits(address, 128, out);
    if (this.v6Cache.size >= CryptoPan.CACHE_LIMIT) this.v6Cache.clear();
    this.v6Cache.set(cacheKey, out);
    return out;
  }
}
