import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

test('SSDP M-SEARCH and NOTIFY over UDP 1900', () => {
  const r = identify([{ dir: 0, payload: 'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: urn:dial-multiscreen-org:service:dial:1\r\nUSER-AGENT: Chromium/120 Linux\r\n\r\n' }], { transport: 'udp', serverPort: 1900 });
  assert.equal(r['protocol'], 'SSDP');
  assert.deepEqual(r['ssdp'], { method: 'M-SEARCH', target: 'urn:dial-multiscreen-org:service:dial:1', user_agent: 'Chromium/120 Linux' });
  const n = identify([{ dir: 0, payload: 'NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n\r\n' }], { transport: 'udp', serverPort: 1900 });
  assert.equal(n['protocol'], 'SSDP');
});

test('a plain HTTP 200 datagram is not SSDP; fuzz', () => {
  const r = identify([{ dir: 1, payload: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n' }], { transport: 'udp', serverPort: 5000 });
  assert.equal(r['ssdp'], null);
  fuzz(enc('M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n'), 'udp', 1900);
});
