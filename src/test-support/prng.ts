export { seededRandom } from '../classify/seeded-random.js';

/** A random mutation of `seed`: bit flips, byte overwrites, truncation, insertion or duplication. */
export function mutate(seed: Uint8Array, rnd: () => number): Uint8Array {
  let out = Uint8Array.from(seed);
  const n = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < n; k++) {
    const pos = Math.floor(rnd() * Math.max(1, out.length));
    switch (Math.floor(rnd() * 5)) {
      case 0:
        if (out.length) out[pos] = out[pos]! ^ (1 << Math.floor(rnd() * 8));
        break;
      case 1:
        if (out.length) out[pos] = Math.floor(rnd() * 256);
        break;
      case 2:
        out = out.subarray(0, pos);
        break;
      case 3: {
        const ins = new Uint8Array(1 + Math.floor(rnd() * 8)).map(() => Math.floor(rnd() * 256));
        const o = new Uint8Array(out.length + ins.length);
        o.set(out.subarray(0, pos));
        o.set(ins, pos);
        o.set(out.subarray(pos), pos + ins.length);
        out = o;
        break;
      }
      default: {
        // interesting values in length-like positions
        const v = [0, 1, 0x7f, 0x80, 0xff][Math.floor(rnd() * 5)]!;
        if (out.length) out[pos] = v;
      }
    }
  }
  return out;
}
