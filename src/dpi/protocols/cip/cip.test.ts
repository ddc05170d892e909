import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';

// I/O datagrams built after ODVA Vol. 2 §2-6 (Common Packet Format) and §3-2 (class 0/1 over
// UDP 2222); tshark decodes them as EtherNet/IP CPF with "CIP I/O" data.

const udp = { transport: 'udp' as const, serverPort: 2222, clientPort: 2222 };

const le32 = (v: number): Uint8Array => Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);

/** a class 1 I/O datagram: connection id, encapsulation sequence, CIP sequence count and data */
const io = (connectionId: number, sequence: number, data: Uint8Array, extra: Uint8Array = new Uint8Array(0), count = 2): Uint8Array =>
  cat(
    Uint8Array.of(count, 0), // item count
    hex('02 80 08 00'), // sequenced address item, length 8
    le32(connectionId),
    le32(sequence),
    hex('b1 00'), // connected data item
    Uint8Array.of((data.length + 2) & 0xff, (data.length + 2) >> 8),
    Uint8Array.of(sequence & 0xff, (sequence >> 8) & 0xff), // class 1 sequence count
    data,
    extra,
  );

const DATA = hex('01 00 00 00  10 27 00 00  ff 00');

test('CIP: an I/O datagram on UDP 2222, either direction (O→T and T→O)', () => {
  const r = identify([{ dir: 0, payload: io(0x11223344, 1, DATA) }, { dir: 1, payload: io(0x8a000001, 1, DATA) }], udp);
  assert.equal(r['protocol'], 'CIP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['cip'], { connection_id: 0x11223344 });
  assert.equal(identify([{ dir: 1, payload: io(0x8a000001, 77, DATA) }], udp)['protocol'], 'CIP');
  // a heartbeat (no application data after the sequence count), and a sockaddr info item after the data
  assert.equal(identify([{ dir: 0, payload: io(5, 2, new Uint8Array(0)) }], udp)['protocol'], 'CIP');
  const sockaddr = cat(hex('01 80 10 00'), hex('00 02 08 ae c0 a8 01 14'), new Uint8Array(8));
  assert.equal(identify([{ dir: 0, payload: io(5, 2, DATA, sockaddr, 3) }], udp)['protocol'], 'CIP');
});

test('CIP: off port 2222, two datagrams of one connection with advancing sequence numbers', () => {
  const off = { transport: 'udp' as const, serverPort: 45000 };
  assert.equal(identify([{ dir: 0, payload: io(9, 100, DATA) }, { dir: 0, payload: io(9, 101, DATA) }], off)['protocol'], 'CIP');
  assert.ok(notByDpi(identify([{ dir: 0, payload: io(9, 100, DATA) }], off), 'CIP'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: io(9, 100, DATA) }, { dir: 0, payload: io(10, 101, DATA) }], off), 'CIP'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: io(9, 100, DATA) }, { dir: 0, payload: io(9, 100, DATA) }], off), 'CIP'));
});

test('CIP: broken CPFs and other protocols are not CIP', () => {
  const good = io(0x11223344, 1, DATA);
  const mutated = (i: number, v: number): Uint8Array => {
    const c = Uint8Array.from(good);
    c[i] = v;
    return c;
  };
  const bad = [
    mutated(0, 1), // one item only
    mutated(0, 9), // too many items
    mutated(2, 0xa1), // a connected address item where the sequenced one must be
    mutated(4, 4), // sequenced address item of the wrong length
    mutated(14, 0xb2), // unconnected data item
    mutated(16, 0x40), // data item longer than the datagram
    mutated(16, 0x02), // shorter: bytes left over
    io(0, 1, DATA), // connection id 0
    cat(good, hex('00')),
    good.subarray(0, 17),
    // an EtherNet/IP encapsulation header (ListIdentity) is the ethernetip folder's, not this one
    hex('63 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00'),
    utf8('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'),
    hex('12 34 01 00 00 01 00 00 00 00 00 00 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 00 01 00 01'),
    hex('02 00 02 80 08 00 9c 1e 77 03 bd 41 c8 5a 10 2c 44 9e 01 73 aa 55'),
  ];
  for (const b of bad) assert.ok(notByDpi(identify([{ dir: 0, payload: b }], udp), 'CIP'), Buffer.from(b).toString('hex'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: Uint8Array.from({ length: 64 }, (_, i) => (i * 151 + 7) & 0xff) }], { transport: 'udp', serverPort: 50999 }), 'CIP'));
});

test('CIP: fuzz', () => {
  fuzz(io(0x11223344, 1, DATA), 'udp', 2222);
  fuzz(io(0x8a000001, 9, DATA), 'udp', 2222, 1);
});
