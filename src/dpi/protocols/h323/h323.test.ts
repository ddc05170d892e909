import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';

/** RFC 1006 TPKT around a payload */
const tpkt = (payload: Uint8Array): Uint8Array => cat(Uint8Array.of(3, 0, (payload.length + 4) >> 8, (payload.length + 4) & 0xff), payload);
/** Q.931 header: discriminator 8, call reference length 2, call reference, message type */
const q931 = (messageType: number, ...elements: Uint8Array[]): Uint8Array => cat(Uint8Array.of(0x08, 0x02, 0x00, 0x2a, messageType), ...elements);
/** the H.225.0 User-user element: two-octet length, discriminator 5, then the PER user information */
const userUser = (per: Uint8Array): Uint8Array => cat(Uint8Array.of(0x7e, (per.length + 1) >> 8, (per.length + 1) & 0xff, 0x05), per);
/** the start of a PER H323-UserInformation: preamble bits, then protocolIdentifier 0.0.8.2250.0.<version> */
const uuie = (version: number, rest = hex('00 11 22 33 44 55 66 77')): Uint8Array => cat(hex('20 b8 06 00 08 91 4a 00'), Uint8Array.of(version), rest);

const bearerCapability = hex('04 03 88 90 a5'); // speech, 64 kbit/s circuit mode, G.711 µ-law
const display = cat(hex('28 04'), utf8('test'));
const calledNumber = hex('70 04 81 31 30 30'); // unknown type/plan, "100"
const setup = tpkt(q931(0x05, bearerCapability, display, calledNumber, userUser(uuie(4))));

const tcp1720 = { transport: 'tcp', serverPort: 1720 } as const;
const elsewhere = { transport: 'tcp', serverPort: 41720 } as const;
const pieces = (m: Uint8Array, size: number) => {
  const out = [];
  for (let i = 0; i < m.length; i += size) out.push({ dir: 0 as const, payload: m.subarray(i, i + size) });
  return out;
};

test('H.323 Setup with its H.225.0 version; every version 2..7', () => {
  const r = identify([{ dir: 0, payload: setup }], tcp1720);
  assert.equal(r['protocol'], 'H.323');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['h323'], { message: 'Setup', h225_version: 4 });
  for (let v = 2; v <= 7; v++) {
    const m = tpkt(q931(0x05, bearerCapability, userUser(uuie(v))));
    assert.deepEqual(identify([{ dir: 0, payload: m }], elsewhere)['h323'], { message: 'Setup', h225_version: v });
  }
});

test('H.323: the callee speaks first (a capture that misses the Setup); each answer type', () => {
  const answers = [[0x02, 'CallProceeding'], [0x01, 'Alerting'], [0x07, 'Connect'], [0x03, 'Progress'], [0x62, 'Facility'], [0x5a, 'ReleaseComplete'], [0x7b, 'Information'], [0x6e, 'Notify']] as const;
  for (const [type, name] of answers) {
    const m = tpkt(q931(type, userUser(uuie(4))));
    const r = identify([{ dir: 1, payload: m }, { dir: 0, payload: setup }], elsewhere);
    assert.equal(r['confidence'], 'dpi', name);
    assert.deepEqual(r['h323'], { message: name, h225_version: 4 });
  }
  // Release Complete with a Cause element and user information whose version is not found
  const release = tpkt(q931(0x5a, hex('08 02 80 90'), userUser(hex('25 80 06 00 08'))));
  assert.deepEqual(identify([{ dir: 0, payload: release }], elsewhere)['h323'], { message: 'ReleaseComplete' });
  // Status Enquiry with no user information: only on the H.323 port
  const statusEnquiry = tpkt(q931(0x75));
  assert.deepEqual(identify([{ dir: 0, payload: statusEnquiry }], tcp1720)['h323'], { message: 'StatusEnquiry' });
  assert.ok(notByDpi(identify([{ dir: 0, payload: statusEnquiry }], elsewhere), 'H.323'));
});

test('H.323: an empty keep-alive TPKT first; two messages in one segment', () => {
  assert.deepEqual(identify([{ dir: 0, payload: cat(hex('03 00 00 04'), setup) }], tcp1720)['h323'], { message: 'Setup', h225_version: 4 });
  const callProceeding = tpkt(q931(0x02, userUser(uuie(4))));
  const alerting = tpkt(q931(0x01, userUser(uuie(4))));
  assert.deepEqual(identify([{ dir: 1, payload: cat(callProceeding, alerting) }], tcp1720)['h323'], { message: 'CallProceeding', h225_version: 4 });
});

test('H.323 split segments: 1-byte and 3-byte pieces', () => {
  const byteByByte = [...pieces(setup.subarray(0, 10), 1), { dir: 0 as const, payload: setup.subarray(10) }];
  assert.deepEqual(identify(byteByByte, elsewhere)['h323'], { message: 'Setup', h225_version: 4 });
  assert.deepEqual(identify([...pieces(setup.subarray(0, 30), 3), { dir: 0, payload: setup.subarray(30) }], elsewhere)['h323'], { message: 'Setup', h225_version: 4 });
});

test('H.323: other TPKT users and look-alikes are refused', () => {
  const others = [
    // RDP: TPKT + X.224 Connection Request with a cookie
    cat(hex('03 00 00 2b 26 e0 00 00 00 00 00'), utf8('Cookie: mstshash=user\r\n'), hex('01 00 08 00 03 00 00 00')),
    // S7comm / ISO-TSAP: TPKT + COTP CR
    hex('03 00 00 16 11 e0 00 00 00 01 00 c0 01 0a c1 02 01 00 c2 02 01 02'),
    // TPKT + COTP DT (MMS, S7 data)
    hex('03 00 00 1f 02 f0 80 32 01 00 00 00 00 00 0e 00 00 04 01 12 0a 10 02 00 10 00 00 83 00 00 00'),
    utf8('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'),
    hex('16 03 01 00 2f 01 00 00 2b 03 03'),
    utf8('SSH-2.0-OpenSSH_9.6\r\n'),
    hex('03 3a 11 c2 99 04 7e 5b 01 fe 33 20 6c d0 aa 19 42 42 42 42'),
  ];
  for (const p of others) assert.ok(notByDpi(identify([{ dir: 0, payload: p }], tcp1720), 'H.323'));
  const bad = [
    setup.subarray(0, 8), // truncated
    tpkt(cat(hex('09 02 00 2a 05'), userUser(uuie(4)))), // another protocol discriminator
    tpkt(cat(hex('08 01 2a 05'), userUser(uuie(4)))), // one-octet call reference
    tpkt(q931(0x55, userUser(uuie(4)))), // unknown message type
    tpkt(q931(0x05, hex('04 09 88 90'))), // element longer than the message
    tpkt(q931(0x05, hex('7e 00 05 01 02 03 04 05'))), // user-user without the X.208 discriminator
    cat(hex('04 00 00 0c'), q931(0x05), hex('00 00 00')), // TPKT version 4
  ];
  for (const p of bad) assert.ok(notByDpi(identify([{ dir: 0, payload: p }], tcp1720), 'H.323'));
});

test('H.323: fuzz', () => {
  fuzz(setup, 'tcp', 1720);
  fuzz(tpkt(q931(0x07, userUser(uuie(5)))), 'tcp', 1720, 1);
});
