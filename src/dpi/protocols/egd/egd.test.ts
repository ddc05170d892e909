import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';
import dissector from './index.js';

// Data production PDUs built after the EGD field list (Wireshark's display filter reference) and
// the ProSoft MVI69-EGD manual's PDU tables, little endian; tshark decodes these as EGD.

const udp = { transport: 'udp' as const, serverPort: 18246, clientPort: 18246 };

/** a data production of exchange `exchange` with request id `rid` and `n` data bytes */
const production = (rid: number, exchange = 1, status = 1, n = 8): Uint8Array =>
  cat(
    hex('0d 01'), // PDU type 13 (data production), version 1
    Uint8Array.of(rid & 0xff, rid >> 8),
    hex('c0 a8 01 0a'), // producer id (its IP address, 192.168.1.10)
    Uint8Array.of(exchange & 0xff, (exchange >> 8) & 0xff, 0, 0),
    hex('80 f4 54 65  00 ca 9a 0b'), // timestamp: seconds, nanoseconds (< 10^9)
    Uint8Array.of(status, 0, 0, 0),
    hex('00 00 00 00'), // configuration signature
    hex('00 00 00 00'), // reserved
    Uint8Array.from({ length: n }, (_, i) => (i * 37) & 0xff),
  );

const egd = (r: Record<string, unknown>): unknown => r['egd'];

test('EGD: a data production on port 18246', () => {
  const r = identify([{ dir: 0, payload: production(5) }], udp);
  assert.equal(r['protocol'], 'EGD');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(egd(r), { exchange_id: 1, status: 'no_error' });
  // the other statuses GE defines, and the largest exchange (1400 bytes)
  assert.deepEqual(egd(identify([{ dir: 0, payload: production(9, 0x2ee0, 0) }], udp)), { exchange_id: 0x2ee0, status: 'no_new_status' });
  assert.deepEqual(egd(identify([{ dir: 0, payload: production(9, 3, 6) }], udp)), { exchange_id: 3, status: 'data_refresh_error' });
  assert.equal(identify([{ dir: 0, payload: production(1, 1, 1, 1400) }], udp)['protocol'], 'EGD');
  // a consumer's capture sees the producer's datagrams only: the flow may start in either direction
  assert.equal(identify([{ dir: 1, payload: production(77) }], udp)['protocol'], 'EGD');
});

test('EGD: off its port, two productions of the same exchange with advancing request ids', () => {
  const off = { transport: 'udp' as const, serverPort: 40000 };
  const r = identify([{ dir: 0, payload: production(0xffff) }, { dir: 0, payload: production(0) }], off);
  assert.equal(r['protocol'], 'EGD');
  assert.equal(r['confidence'], 'dpi');
  assert.ok(notByDpi(identify([{ dir: 0, payload: production(7) }], off), 'EGD'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: production(7) }, { dir: 0, payload: production(7) }], off), 'EGD'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: production(7, 1) }, { dir: 0, payload: production(8, 2) }], off), 'EGD'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: production(7) }, { dir: 0, payload: production(300) }], off), 'EGD'));
});

test('EGD: broken productions and other protocols are not EGD', () => {
  const mutated = (i: number, v: number): Uint8Array => {
    const c = production(5);
    c[i] = v;
    return c;
  };
  const bad = [
    mutated(0, 0x0c), // another PDU type
    mutated(1, 0x02), // PDU version
    mutated(19, 0x3c), // nanoseconds beyond 10^9
    mutated(20, 5), // undefined status
    mutated(23, 1),
    mutated(28, 1), // reserved
    production(5).subarray(0, 32), // a header without data
    production(5).subarray(0, 20),
    production(5, 1, 1, 1401), // larger than an exchange can be
    utf8('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'),
    hex('16 03 01 00 2f 01 00 00 2b 03 03'),
    hex('12 34 01 00 00 01 00 00 00 00 00 00 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 00 01 00 01'),
    hex('0d 01 9c 1e 77 03 bd 41 c8 5a 10 2c 44 9e 01 73 aa 55 09 e2 5b 61 0f 3c 7d 88 19 d4 61 02 b7 90 11 22'),
  ];
  for (const b of bad) assert.ok(notByDpi(identify([{ dir: 0, payload: b }], udp), 'EGD'), Buffer.from(b).toString('hex'));
});

test(`${dissector.name}: the first bytes of other protocols are not taken for it`, () => {
  for (const payload of [utf8('SSH-2.0-OpenSSH_9.6\r\n'), Uint8Array.from({ length: 64 }, (_, i) => (i * 151 + 7) & 0xff)]) {
    assert.ok(notByDpi(identify([{ dir: 0, payload }], { transport: 'udp', serverPort: 50999 }), 'EGD'));
  }
});

test('EGD: fuzz', () => {
  fuzz(production(5), 'udp', 18246);
  fuzz(production(5, 2, 0, 100), 'udp', 18246, 1);
});
