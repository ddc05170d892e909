import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CryptoPan } from './cryptopan.js';
import { REPO_ROOT } from '../test-support/paths.js';

// The key of the reference implementation's sample (Xu, Fan, Ammar, Moon), in decimal bytes.
const SAMPLE_KEY = Uint8Array.from([21, 34, 23, 141, 51, 164, 207, 128, 19, 10, 91, 22, 73, 144, 125, 16, 216, 152, 143, 131, 121, 121, 101, 39, 98, 87, 76, 45, 42, 132, 34, 2]);
const REFERENCE = process.env['SONDE_REFERENCE'] ?? join(REPO_ROOT, '..', 'shared', 'reference');
const RAW = join(REFERENCE, 'cryptopan-sample-raw.tsv');
const ANONYMISED = join(REFERENCE, 'cryptopan-sample-anonymized.tsv');

const ipv4 = (s: string): number => s.split('.').reduce((a, b) => a * 256 + Number(b), 0);
const dotted = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
const addressesOf = (path: string): string[] => readFileSync(path, 'utf8').trim().split('\n').map((l) => l.split('\t')[2]!);

/** leading bits two byte strings share */
function commonPrefix(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! ^ b[i]!;
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return a.length * 8;
}

test('Crypto-PAn: the two published pairs of the reference sample', () => {
  const pan = new CryptoPan(SAMPLE_KEY);
  assert.equal(dotted(pan.ipv4(ipv4('128.11.68.132'))), '135.242.180.132');
  assert.equal(dotted(pan.ipv4(ipv4('192.102.249.13'))), '252.138.62.131');
});

test('Crypto-PAn: every address of the reference sample as the reference implementation maps it', { skip: existsSync(RAW) && existsSync(ANONYMISED) ? false : `the reference sample is not at ${REFERENCE} (set SONDE_REFERENCE to its folder to run this test)` }, () => {
  const raw = addressesOf(RAW);
  const expected = addressesOf(ANONYMISED);
  assert.equal(raw.length, expected.length);
  assert.ok(raw.length >= 100);
  const pan = new CryptoPan(SAMPLE_KEY);
  assert.deepEqual(raw.map((a) => dotted(pan.ipv4(ipv4(a)))), expected);
  // and the same again from a fresh object, without its cache
  assert.deepEqual(raw.map((a) => dotted(new CryptoPan(SAMPLE_KEY).ipv4(ipv4(a)))), expected);
});

test('Crypto-PAn IPv4: prefix-preserving and one-to-one on a sample', () => {
  const pan = new CryptoPan(randomBytes(32));
  const seen = new Map<number, number>();
  for (let i = 0; i < 5000; i++) {
    const a = randomBytes(4).readUInt32BE(0);
    // a partner sharing a random number of leading bits, then differing in the next one
    const shared = i % 33;
    const b = shared === 32 ? a : ((a ^ (0x80000000 >>> shared)) ^ (randomBytes(4).readUInt32BE(0) >>> (shared + 1))) >>> 0;
    const pa = pan.ipv4(a);
    const pb = pan.ipv4(b);
    const bytes = (n: number): Uint8Array => Uint8Array.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
    assert.equal(commonPrefix(bytes(pa), bytes(pb)), commonPrefix(bytes(a), bytes(b)), `${dotted(a)} ${dotted(b)}`);
    const before = seen.get(pa);
    assert.ok(before === undefined || before === a, `${dotted(a)} and ${dotted(before!)} share a pseudonym`);
    seen.set(pa, a);
  }
});

test('Crypto-PAn IPv6: prefix-preserving, one-to-one on a sample, consistent under one key and different under another', () => {
  const key = randomBytes(32);
  const pan = new CryptoPan(key);
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const a = randomBytes(16);
    const b = Uint8Array.from(a);
    const shared = i % 129;
    if (shared < 128) {
      b[shared >>> 3] ^= 0x80 >>> (shared & 7);
      for (let bit = shared + 1; bit < 128; bit++) if (Math.random() < 0.5) b[bit >>> 3] ^= 0x80 >>> (bit & 7);
    }
    const pa = pan.ipv6(a);
    const pb = pan.ipv6(b);
    assert.equal(commonPrefix(pa, pb), commonPrefix(a, b));
    seen.add(Buffer.from(pa).toString('hex'));
  }
  assert.equal(seen.size, 2000);
  const a = randomBytes(16);
  assert.deepEqual(new CryptoPan(key).ipv6(a), pan.ipv6(a));
  assert.notDeepEqual(new CryptoPan(randomBytes(32)).ipv6(a), pan.ipv6(a));
});

test('Crypto-PAn refuses a key that is not 32 bytes', () => {
  assert.throws(() => new CryptoPan(new Uint8Array(16)), /32 bytes/);
});
