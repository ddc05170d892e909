import assert from 'node:assert/strict';
import { AnomalyCounters } from '../decode/anomaly.js';
import { PacketDecoder } from '../decode/decoder.js';
import { type DecodedPacket } from '../decode/packet.js';
import { mutate, seededRandom } from './prng.js';

// The fuzz loop the decoder unit tests share: mutated seed frames, placed at a random offset
// inside a larger buffer (so a decoder that reads outside its record is caught), sometimes marked
// as cut by the snap length. Each decode must not throw and must keep its cursor inside the
// record; `check` adds the test's own assertions and counts.

export interface FuzzSeed {
  data: Uint8Array;
  linkType: number;
}

export function fuzzDecoder(
  seeds: readonly FuzzSeed[],
  rounds: number,
  seed: number,
  check: (p: DecodedPacket, where: string, lead: number, length: number) => void,
): void {
  const rnd = seededRandom(seed);
  const decoder = new PacketDecoder(new AnomalyCounters());
  for (let i = 0; i < rounds; i++) {
    const s = seeds[Math.floor(rnd() * seeds.length)]!;
    const data = mutate(s.data, rnd);
    const lead = Math.floor(rnd() * 8);
    const buf = new Uint8Array(lead + data.length + 8).fill(0xa5);
    buf.set(data, lead);
    const wireLen = rnd() < 0.2 ? data.length + 1 + Math.floor(rnd() * 1500) : data.length;
    const where = `iteration ${i}: ${Buffer.from(data).toString('hex')} wire ${wireLen}`;
    let p: DecodedPacket | undefined;
    assert.doesNotThrow(() => {
      p = decoder.decode(buf, lead, data.length, wireLen, i, s.linkType);
    }, where);
    const q = p!;
    if (q.reassembled) {
      assert.ok(q.off <= q.end && q.end <= q.buf.length, where);
    } else {
      assert.ok(lead <= q.off && q.off <= q.end && q.end <= lead + data.length, `${where}: off ${q.off} end ${q.end}`);
    }
    check(q, where, lead, data.length);
  }
}
