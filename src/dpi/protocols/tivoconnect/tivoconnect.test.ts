import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const BEACON = enc('tivoconnect=1\nmethod=broadcast\nplatform=pc/WinNT:6.1.7601\nmachine=HOMEPC\nidentity={D5A0C2E3-0000-4B8E-9A5C-123456789ABC}\nservices=TiVoMediaServer:80/http\nswversion=2.10\n');

test('TiVo Connect beacon over UDP broadcast names the flow, on 2190 and another port', () => {
  for (const port of [2190, 40190]) {
    const r = identify([{ dir: 0, payload: BEACON }], { transport: 'udp', serverPort: port });
    assert.equal(r['protocol'], 'TiVoConnect');
    assert.equal(r['confidence'], 'dpi');
  }
});

test('TiVo Connect beacon over TCP comes after its 4-byte length; keys without case', () => {
  const upper = enc('TiVoConnect=1\nmethod=connected\n');
  const framed = cat(hex('00 00 00'), Uint8Array.of(upper.length), upper);
  const r = identify([{ dir: 0, payload: framed }, { dir: 1, payload: cat(hex('00 00 00'), Uint8Array.of(BEACON.length), BEACON) }], { transport: 'tcp', serverPort: 2190 });
  assert.equal(r['protocol'], 'TiVoConnect');
});

test('TiVo Connect: other versions and unframed TCP text are not it; fuzz', () => {
  assert.ok(notByDpi(identify([{ dir: 0, payload: enc('tivoconnect=2\nmethod=broadcast\n') }], { transport: 'udp', serverPort: 2190 }), 'TiVoConnect'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: BEACON }], { transport: 'tcp', serverPort: 2190 }), 'TiVoConnect'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: cat(hex('00 10 00 00'), BEACON) }], { transport: 'tcp', serverPort: 2190 }), 'TiVoConnect'));
  fuzz(BEACON, 'udp', 2190);
});
