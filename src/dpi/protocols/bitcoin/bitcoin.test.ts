import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { concatBytes as cat, type Exchange, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';

// Messages built after developer.bitcoin.org "P2P Network": message header, version, verack,
// ping, inv; start strings from "Constants And Defaults" and BIP 94.

const MAGIC = { mainnet: 'f9 be b4 d9', testnet: '0b 11 09 07', testnet4: '1c 16 3f 28', signet: '0a 03 cf 40', regtest: 'fa bf b5 da' };
type Network = keyof typeof MAGIC;

const le32 = (n: number): Uint8Array => Uint8Array.of(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
const sha256 = (b: Uint8Array): Uint8Array => createHash('sha256').update(b).digest();

const message = (network: Network, command: string, payload: Uint8Array, checksum?: Uint8Array): Uint8Array => {
  const name = new Uint8Array(12);
  name.set(utf8(command));
  return cat(hex(MAGIC[network]), name, le32(payload.length), checksum ?? sha256(sha256(payload)).subarray(0, 4), payload);
};

/** a network address without time: services, IPv6-mapped IPv4, port (big-endian) */
const netAddr = (ip: number[], port: number): Uint8Array => cat(hex('01 00 00 00 00 00 00 00'), hex('00 00 00 00 00 00 00 00 00 00 ff ff'), Uint8Array.of(...ip, port >> 8, port & 0xff));

const versionPayload = (protocol: number, userAgent: string, relay: boolean | null = true): Uint8Array =>
  cat(
    le32(protocol),
    hex('09 04 00 00 00 00 00 00'), // NODE_NETWORK | NODE_WITNESS | NODE_NETWORK_LIMITED
    hex('00 6a 9b 65 00 00 00 00'), // time
    netAddr([198, 51, 100, 20], 8333),
    netAddr([0, 0, 0, 0], 0),
    hex('3b 2e b3 5d 8c e6 17 65'), // nonce
    Uint8Array.of(userAgent.length),
    utf8(userAgent),
    le32(840000), // start height
    relay === null ? new Uint8Array(0) : Uint8Array.of(relay ? 1 : 0),
  );

const VERSION = versionPayload(70016, '/Satoshi:27.0.0/');
const fields = (r: Record<string, unknown>): unknown => r['bitcoin'];

test('Bitcoin: version then version + verack, on each network', () => {
  const ports: Record<Network, number> = { mainnet: 8333, testnet: 18333, testnet4: 48333, signet: 38333, regtest: 18444 };
  for (const network of Object.keys(MAGIC) as Network[]) {
    const r = identify([
      { dir: 0, payload: message(network, 'version', VERSION) },
      { dir: 1, payload: cat(message(network, 'version', versionPayload(70015, '/btcd:0.24.0/')), message(network, 'verack', new Uint8Array(0))) },
      { dir: 0, payload: message(network, 'verack', new Uint8Array(0)) },
    ], { transport: 'tcp', serverPort: ports[network] });
    assert.equal(r['protocol'], 'Bitcoin', network);
    assert.equal(r['confidence'], 'dpi');
    assert.deepEqual(fields(r), { network, protocol_version: 70016 });
    assert.ok(!JSON.stringify(r).includes('Satoshi'));
  }
});

test('Bitcoin: the answering side first; an old version without the relay flag', () => {
  const r = identify([{ dir: 1, payload: message('mainnet', 'version', versionPayload(70015, '/Satoshi:0.16.3/')) }], { transport: 'tcp', serverPort: 8333, handshake: false });
  assert.deepEqual(fields(r), { network: 'mainnet', protocol_version: 70015 });
  const old = identify([{ dir: 0, payload: message('mainnet', 'version', versionPayload(60002, '/Satoshi:0.7.2/', null)) }], { transport: 'tcp', serverPort: 9999 });
  assert.deepEqual(fields(old), { network: 'mainnet', protocol_version: 60002 });
  // no user agent at all
  assert.deepEqual(fields(identify([{ dir: 0, payload: message('regtest', 'version', versionPayload(70016, '')) }], { transport: 'tcp', serverPort: 9999 })), { network: 'regtest', protocol_version: 70016 });
});

test('Bitcoin: a capture that starts later: ping, inv, and a block too large to hold', () => {
  const ping = identify([{ dir: 0, payload: message('mainnet', 'ping', hex('01 02 03 04 05 06 07 08')) }], { transport: 'tcp', serverPort: 8333 });
  assert.deepEqual(fields(ping), { network: 'mainnet' });
  const inv = identify([{ dir: 1, payload: message('signet', 'inv', cat(hex('01 01 00 00 00'), new Uint8Array(32).fill(0xab))) }], { transport: 'tcp', serverPort: 38333 });
  assert.deepEqual(fields(inv), { network: 'signet' });
  // a 1 MB block: its header and the first bytes only
  const block = cat(hex(MAGIC.mainnet), utf8('block'), new Uint8Array(7), le32(1_000_000), hex('12 34 56 78'), new Uint8Array(1400));
  assert.deepEqual(fields(identify([{ dir: 1, payload: block }], { transport: 'tcp', serverPort: 8333 })), { network: 'mainnet' });
});

test('Bitcoin: the version message in 1-byte and 3-byte pieces', () => {
  const m = message('testnet', 'version', VERSION);
  const parts: Exchange[] = [];
  for (let i = 0; i < 4; i++) parts.push({ dir: 0, payload: m.subarray(i, i + 1) });
  parts.push({ dir: 0, payload: m.subarray(4, 7) });
  parts.push({ dir: 0, payload: m.subarray(7) });
  assert.deepEqual(fields(identify(parts, { transport: 'tcp', serverPort: 18333 })), { network: 'testnet', protocol_version: 70016 });
  const threes: Exchange[] = [];
  for (let i = 0; i < 15; i += 3) threes.push({ dir: 1, payload: m.subarray(i, i + 3) });
  threes.push({ dir: 1, payload: m.subarray(15) });
  assert.deepEqual(fields(identify(threes, { transport: 'tcp', serverPort: 18333 })), { network: 'testnet', protocol_version: 70016 });
});

test('Bitcoin: other protocols, other networks and broken messages are not Bitcoin', () => {
  const good = message('mainnet', 'version', VERSION);
  const broken = (at: number, value: number): Uint8Array => {
    const m = good.slice();
    m[at] = value;
    return m;
  };
  const cases: Exchange[][] = [
    [{ dir: 0, payload: 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n' }],
    [{ dir: 0, payload: hex('16 03 01 00 2f 01 00 00 2b 03 03') }],
    [{ dir: 0, payload: 'SSH-2.0-OpenSSH_9.6\r\n' }],
    [{ dir: 0, payload: hex('a3 17 5c 90 01 fe 42 6b 00 d9 3e 77 10 2c') }],
    // Litecoin's start string with a Bitcoin-shaped version message
    [{ dir: 0, payload: cat(hex('fb c0 b6 db'), good.subarray(4)) }],
    [{ dir: 0, payload: broken(20, good[20]! ^ 1) }], // checksum
    [{ dir: 0, payload: broken(30, good[30]! ^ 1) }], // payload changed under the checksum
    [{ dir: 0, payload: broken(13, 0x41) }], // a character after the command's NUL padding
    [{ dir: 0, payload: broken(4, 0x01) }], // a control byte in the command
    [{ dir: 0, payload: message('mainnet', 'version', versionPayload(50, '/x/')) }], // protocol version too old for this layout
    [{ dir: 0, payload: message('mainnet', 'version', cat(versionPayload(70016, '/Satoshi:27.0.0/', null), Uint8Array.of(7))) }], // relay flag 7
    [{ dir: 0, payload: message('mainnet', 'version', VERSION.subarray(0, 60)) }], // short version payload
    [{ dir: 0, payload: message('mainnet', 'verack', Uint8Array.of(0)) }], // verack with a payload
    [{ dir: 0, payload: cat(hex(MAGIC.mainnet), utf8('version'), new Uint8Array(5), le32(0x7fffffff), hex('00 00 00 00')) }], // size above 32 MiB
    [{ dir: 0, payload: cat(hex(MAGIC.mainnet), utf8('xblock'), new Uint8Array(6), le32(1_000_000), hex('00 00 00 00'), new Uint8Array(100)) }], // large and unknown
    [{ dir: 0, payload: good.subarray(0, 30) }], // truncated
  ];
  for (const [i, c] of cases.entries()) assert.ok(notByDpi(identify(c, { transport: 'tcp', serverPort: 8333 }), 'Bitcoin'), `case ${i}`);
});

test('Bitcoin: fuzzed first payloads', () => {
  fuzz(message('mainnet', 'version', VERSION), 'tcp', 8333);
  fuzz(message('testnet', 'verack', new Uint8Array(0)), 'tcp', 18333, 1, 80);
});
