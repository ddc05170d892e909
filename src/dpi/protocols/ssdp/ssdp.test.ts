import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identify } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';

/** annotated hex: '#' starts a comment to the end of the line */
const hex = (s: string): Uint8Array => Uint8Array.from((s.replace(/#.*$/gm, '').replace(/\s+/g, '').match(/../g) ?? []).map((b) => parseInt(b, 16)));
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
/** seeded mutations of a first payload never throw, and never name a flow on a wrong-port port guess only */
const fuzz = (seed: Uint8Array, transport: 'tcp' | 'udp', serverPort: number, dir: 0 | 1 = 0, n = 150): void => {
  const rnd = seededRandom(seed.length * 7919 + serverPort);
  for (let i = 0; i < n; i++) {
    const m = mutate(seed, rnd);
    if (m.length === 0) continue;
    const r = identify([{ dir, payload: m }], { transport, serverPort });
    assert.ok(typeof r['confidence'] === 'string');
  }
};
void hex; void enc; void cat; void fuzz;

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
