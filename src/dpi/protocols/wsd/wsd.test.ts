import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const NS = 'xmlns:soap="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing"';
const PROBE = enc(`<?xml version="1.0" encoding="utf-8"?><soap:Envelope ${NS} xmlns:wsd="http://schemas.xmlsoap.org/ws/2005/04/discovery"><soap:Header><wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</wsa:Action></soap:Header><soap:Body><wsd:Probe/></soap:Body></soap:Envelope>`);
// a SOAP envelope without the WS-Discovery namespace
const OTHER = enc(`<?xml version="1.0"?><soap:Envelope ${NS}><soap:Body><x:Ping xmlns:x="urn:example"/></soap:Body></soap:Envelope>`);

test('WSD: Probe', () => {
  const r = identify([{ dir: 0, payload: PROBE }], { transport: 'udp', serverPort: 3702 });
  assert.equal(r['protocol'], 'WSD');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['wsd'], { action: 'Probe' });
});

test('WSD: SOAP without the discovery namespace refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: OTHER }], { transport: 'udp', serverPort: 3702 });
  assert.ok(notByDpi(r, 'WSD'));
  fuzz(PROBE, 'udp', 3702, 0);
});
