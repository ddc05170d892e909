// Keccak-256 (the Keccak submission's padding, 0x01…0x80, as Ethereum uses; not FIPS 202 SHA3)
// over Keccak-f[1600] (FIPS 202 §3.2), lanes held as 32-bit halves.

const RC_HI = new Uint32Array([0, 0, 0x80000000, 0x80000000, 0, 0, 0x80000000, 0x80000000, 0, 0, 0, 0, 0, 0x80000000, 0x80000000, 0x80000000, 0x80000000, 0x80000000, 0, 0x80000000, 0x80000000, 0x80000000, 0, 0x80000000]);
const RC_LO = new Uint32Array([0x00000001, 0x00008082, 0x0000808a, 0x80008000, 0x0000808b, 0x80000001, 0x80008081, 0x00008009, 0x0000008a, 0x00000088, 0x80008009, 0x8000000a, 0x8000808b, 0x0000008b, 0x00008089, 0x00008003, 0x00008002, 0x00000080, 0x0000800a, 0x8000000a, 0x80008081, 0x00008080, 0x80000001, 0x80008008]);
/** rotation offsets r[x + 5y] */
const ROT = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];

function keccakF(lo: Uint32Array, hi: Uint32Array): void {
  const cLo = new Uint32Array(5);
  const cHi = new Uint32Array(5);
  const bLo = new Uint32Array(25);
  const bHi = new Uint32Array(25);
  for (let round = 0; round < 24; round++) {
    // θ
    for (let x = 0; x < 5; x++) {
      cLo[x] = lo[x]! ^ lo[x + 5]! ^ lo[x + 10]! ^ lo[x + 15]! ^ lo[x + 20]!;
      cHi[x] = hi[x]! ^ hi[x + 5]! ^ hi[x + 10]! ^ hi[x + 15]! ^ hi[x + 20]!;
    }
    for (let x = 0; x < 5; x++) {
      const l1 = cLo[(x + 1) % 5]!;
      const h1 = cHi[(x + 1) % 5]!;
      const dLo = cLo[(x + 4) % 5]! ^ ((l1 << 1) | (h1 >>> 31));
      const dHi = cHi[(x + 4) % 5]! ^ ((h1 << 1) | (l1 >>> 31));
      for (let y = 0; y < 25; y += 5) {
        lo[x + y]! ^= dLo;
        hi[x + y]! ^= dHi;
      }
    }
    // ρ and π: B[y, 2x + 3y] = rot(A[x, y], r[x, y])
    for (let x = 0; x < 5; x++) {
      for (let y = 0; y < 5; y++) {
        const i = x + 5 * y;
        const n = ROT[i]!;
        const l = lo[i]!;
        const h = hi[i]!;
        let rl: number;
        let rh: number;
        if (n === 0) {
          rl = l;
          rh = h;
        } else if (n < 32) {
          rl = (l << n) | (h >>> (32 - n));
          rh = (h << n) | (l >>> (32 - n));
        } else if (n === 32) {
          rl = h;
          rh = l;
        } else {
          const m = n - 32;
          rl = (h << m) | (l >>> (32 - m));
          rh = (l << m) | (h >>> (32 - m));
        }
        const j = y + 5 * ((2 * x + 3 * y) % 5);
        bLo[j] = rl;
        bHi[j] = rh;
      }
    }
    // χ
    for (let y = 0; y < 25; y += 5) {
      for (let x = 0; x < 5; x++) {
        lo[x + y] = bLo[x + y]! ^ (~bLo[((x + 1) % 5) + y]! & bLo[((x + 2) % 5) + y]!);
        hi[x + y] = bHi[x + y]! ^ (~bHi[((x + 1) % 5) + y]! & bHi[((x + 2) % 5) + y]!);
      }
    }
    // ι
    lo[0]! ^= RC_LO[round]!;
    hi[0]! ^= RC_HI[round]!;
  }
}

/** Keccak-256 of data[off..off+len) */
export function keccak256(data: Uint8Array, off = 0, len = data.length - off): Uint8Array {
  const RATE = 136;
  const lo = new Uint32Array(25);
  const hi = new Uint32Array(25);
  const block = new Uint8Array(RATE);
  let p = off;
  const end = off + len;
  for (;;) {
    const n = Math.min(RATE, end - p);
    block.fill(0);
    block.set(data.subarray(p, p + n));
    p += n;
    const last = n < RATE;
    if (last) {
      block[n] = block[n]! ^ 0x01;
      block[RATE - 1] = block[RATE - 1]! ^ 0x80;
    }
    for (let i = 0; i < RATE / 8; i++) {
      const b = i * 8;
      lo[i]! ^= block[b]! | (block[b + 1]! << 8) | (block[b + 2]! << 16) | (block[b + 3]! << 24);
      hi[i]! ^= block[b + 4]! | (block[b + 5]! << 8) | (block[b + 6]! << 16) | (block[b + 7]! << 24);
    }
    keccakF(lo, hi);
    if (last) break;
  }
  const out = new Uint8Array(32);
  for (let i = 0; i < 4; i++) {
    const l = lo[i]!;
    const h = hi[i]!;
    out[i * 8] = l;
    out[i * 8 + 1] = l >>> 8;
    out[i * 8 + 2] = l >>> 16;
    out[i * 8 + 3] = l >>> 24;
    out[i * 8 + 4] = h;
    out[i * 8 + 5] = h >>> 8;
    out[i * 8 + 6] = h >>> 16;
    out[i * 8 + 7] = h >>> 24;
  }
  return out;
}
