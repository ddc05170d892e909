import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, type Exchange, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';
import { crc32 } from './index.js';

// Headers built after IEC 61375-2-3 Annex A (TRDP 1.0): every multi-byte field big endian.

const u32 = (v: number): Uint8Array => Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
const withFcs = (header: Uint8Array, littleEndian = false): Uint8Array => {
  const fcs = u32(crc32(header, 0, header.length));
  return cat(header, littleEndian ? fcs.reverse() : fcs);
};
const fixed = (text: string, n: number): Uint8Array => {
  const b = new Uint8Array(n);
  b.set(utf8(text).subarray(0, n));
  return b;
};

/** a process data message: 36 header bytes, the FCS, then the dataset */
const pd = (type: string, comId: number, dataset: Uint8Array, o: { reserved?: number; littleEndianFcs?: boolean } = {}): Uint8Array =>
  cat(
    withFcs(
      cat(
        u32(0x0000002a), // sequence counter
        hex('01 00'), // protocol version 1.0
        utf8(type),
        u32(comId),
        u32(0), // etbTopoCnt
        u32(0), // opTrnTopoCnt
        u32(dataset.length),
        u32(o.reserved ?? 0),
        u32(type === 'Pr' ? comId : 0), // reply comId
        u32(type === 'Pr' ? 0x0a000001 : 0), // reply IP address
      ),
      o.littleEndianFcs,
    ),
    dataset,
  );

/** a message data message: the 116-byte header, then the dataset */
const md = (type: string, comId: number, dataset: Uint8Array): Uint8Array =>
  cat(
    withFcs(
      cat(
        u32(7), // sequence counter
        hex('01 00'),
        utf8(type),
        u32(comId),
        u32(0),
        u32(0),
        u32(dataset.length),
        u32(0), // reply status
        hex('6b 1e 4f 8a 23 9c 41 d0 8e 77 0a 5b c2 19 34 e6'), // session UUID
        u32(type === 'Mr' ? 5_000_000 : 0), // reply timeout, µs
        fixed('ccu1.car1.trn', 32), // source URI
        fixed('door.car2.trn', 32), // destination URI
      ),
    ),
    dataset,
  );

const PD_PUSH = pd('Pd', 1000, new Uint8Array(16).fill(0x55));
const MD_REQUEST = md('Mr', 2000, utf8('{"q":1}\0'));
const pdPort = { transport: 'udp' as const, serverPort: 17224 };
const mdUdp = { transport: 'udp' as const, serverPort: 17225 };
const mdTcp = { transport: 'tcp' as const, serverPort: 17225 };

test('TRDP: the CRC-32 is the IEEE 802.3 one (check value of "123456789")', () => {
  const check = utf8('123456789');
  assert.equal(crc32(check, 0, check.length), 0xcbf43926);
});

test('TRDP: process data, each message type', () => {
  const r = identify([{ dir: 0, payload: PD_PUSH }], pdPort);
  assert.equal(r['protocol'], 'TRDP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['trdp'], { message_type: 'Pd', com_id: 1000, version: '1.0' });
  assert.deepEqual(identify([{ dir: 0, payload: pd('Pr', 1001, new Uint8Array(0)) }, { dir: 1, payload: pd('Pp', 1001, new Uint8Array(8)) }], pdPort)['trdp'], { message_type: 'Pr', com_id: 1001, version: '1.0' });
  // the pulled reply seen first
  assert.deepEqual(identify([{ dir: 1, payload: pd('Pp', 1001, new Uint8Array(8)) }], pdPort)['trdp'], { message_type: 'Pp', com_id: 1001, version: '1.0' });
  assert.deepEqual(identify([{ dir: 1, payload: pd('Pe', 1001, new Uint8Array(0)) }], pdPort)['trdp'], { message_type: 'Pe', com_id: 1001, version: '1.0' });
  // an FCS stored little endian, a dataset padded to four bytes, another port
  assert.equal(identify([{ dir: 0, payload: pd('Pd', 7, new Uint8Array(4), { littleEndianFcs: true }) }], pdPort)['confidence'], 'dpi');
  assert.equal(identify([{ dir: 0, payload: cat(pd('Pd', 7, new Uint8Array(3)), new Uint8Array(1)) }], pdPort)['confidence'], 'dpi');
  assert.equal(identify([{ dir: 0, payload: PD_PUSH }], { transport: 'udp', serverPort: 40000 })['protocol'], 'TRDP');
});

test('TRDP: message data over UDP, each message type', () => {
  for (const type of ['Mn', 'Mr', 'Mp', 'Mq', 'Mc', 'Me']) {
    const r = identify([{ dir: type === 'Mp' || type === 'Mq' || type === 'Me' ? 1 : 0, payload: md(type, 2000, new Uint8Array(0)) }], mdUdp);
    assert.deepEqual(r['trdp'], { message_type: type, com_id: 2000, version: '1.0' }, type);
  }
  const r = identify([{ dir: 0, payload: MD_REQUEST }, { dir: 1, payload: md('Mp', 2000, new Uint8Array(4)) }], mdUdp);
  assert.equal(r['confidence'], 'dpi');
});

test('TRDP: message data over TCP, whole, server side first, and in 1-byte then 3-byte pieces', () => {
  const r = identify([{ dir: 0, payload: MD_REQUEST }, { dir: 1, payload: md('Mp', 2000, new Uint8Array(4)) }], mdTcp);
  assert.equal(r['protocol'], 'TRDP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['trdp'], { message_type: 'Mr', com_id: 2000, version: '1.0' });
  assert.deepEqual(identify([{ dir: 1, payload: md('Mp', 2000, new Uint8Array(4)) }], mdTcp)['trdp'], { message_type: 'Mp', com_id: 2000, version: '1.0' });
  const pieces: Exchange[] = Array.from(MD_REQUEST.subarray(0, 8), (_, i) => ({ dir: 0 as const, payload: MD_REQUEST.subarray(i, i + 1) }));
  pieces.push({ dir: 0, payload: MD_REQUEST.subarray(8) });
  assert.deepEqual(identify(pieces, mdTcp)['trdp'], { message_type: 'Mr', com_id: 2000, version: '1.0' });
  const threes: Exchange[] = [{ dir: 0, payload: MD_REQUEST.subarray(0, 100) }];
  for (let i = 100; i < MD_REQUEST.length; i += 3) threes.push({ dir: 0, payload: MD_REQUEST.subarray(i, i + 3) });
  assert.deepEqual(identify(threes, mdTcp)['trdp'], { message_type: 'Mr', com_id: 2000, version: '1.0' });
});

test('TRDP: broken headers and other protocols are not TRDP', () => {
  const mutated = (m: Uint8Array, i: number, v: number): Uint8Array => {
    const c = Uint8Array.from(m);
    c[i] = v;
    return c;
  };
  const badUdp = [
    mutated(PD_PUSH, 0, 0x2b), // any change breaks the header FCS
    mutated(PD_PUSH, 39, PD_PUSH[39]! ^ 1),
    pd('Pd', 1000, new Uint8Array(4), { reserved: 1 }), // reserved field set (FCS recomputed)
    pd('Px', 1000, new Uint8Array(4)), // undefined message type
    mutated(pd('Pd', 1000, new Uint8Array(4)), 4, 0x02), // version 2
    PD_PUSH.subarray(0, 50), // dataset cut short
    PD_PUSH.subarray(0, 30), // header cut short
    utf8('GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\n\r\n'),
    cat(hex('16 03 01 00 2e 01 00 00 2a 03 03'), new Uint8Array(40)),
    hex('00 00 00 2a 01 00 50 64 00 00 03 e8 00 00 00 00 00 00 00 00 00 00 00 10 00 00 00 00 00 00 00 00 00 00 00 00 de ad be ef'), // header with a wrong FCS
  ];
  for (const b of badUdp) assert.ok(notByDpi(identify([{ dir: 0, payload: b }], pdPort), 'TRDP'), Buffer.from(b).toString('hex'));
  const badTcp = [
    mutated(MD_REQUEST, 100, 0x41), // URI byte changed: FCS fails
    PD_PUSH, // process data never travel over TCP
    utf8('SSH-2.0-OpenSSH_9.6\r\n'),
    utf8('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    hex('16 03 01 00 2e 01 00 00 2a 03 03'),
  ];
  for (const b of badTcp) assert.ok(notByDpi(identify([{ dir: 0, payload: b }], mdTcp), 'TRDP'), Buffer.from(b).toString('hex'));
});

test('TRDP: fuzz', () => {
  fuzz(PD_PUSH, 'udp', 17224, 0);
  fuzz(MD_REQUEST, 'udp', 17225, 0);
  fuzz(MD_REQUEST, 'tcp', 17225, 0);
});
