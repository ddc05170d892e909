import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

test('RTSP request and response name the flow, with the method', () => {
  const req = 'OPTIONS rtsp://192.0.2.1:8554/stream RTSP/1.0\r\nCSeq: 2\r\nUser-Agent: LibVLC/3.0.16 (LIVE555 Streaming Media v2016.11.28)\r\n\r\n';
  const resp = 'RTSP/1.0 200 OK\r\nCSeq: 2\r\nPublic: OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE\r\n\r\n';
  const r = identify([{ dir: 0, payload: req }, { dir: 1, payload: resp }], { transport: 'tcp', serverPort: 8554 });
  assert.equal(r['protocol'], 'RTSP');
  assert.deepEqual(r['rtsp'], { method: 'OPTIONS', user_agent: 'LibVLC/3.0.16 (LIVE555 Streaming Media v2016.11.28)' });
  // RTSP 2.0 on another port, request split over two segments
  const r2 = identify([{ dir: 0, payload: 'SETUP rtsps://media.example/a/track' }, { dir: 0, payload: 'ID=1 RTSP/2.0\r\nCSeq: 3\r\n\r\n' }], { transport: 'tcp', serverPort: 40000 });
  assert.equal(r2['protocol'], 'RTSP');
});

test('RTSP refuses HTTP and look-alikes', () => {
  const http = identify([{ dir: 0, payload: 'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n' }], { transport: 'tcp', serverPort: 554 });
  assert.notEqual(http['protocol'], 'RTSP');
  assert.equal(http['rtsp'], null);
  assert.equal(identify([{ dir: 0, payload: 'PLAY * RTSP/1.0\r\n\r\n' }], { transport: 'tcp', serverPort: 554 })['rtsp'], null); // PLAY needs a URI
  assert.equal(identify([{ dir: 0, payload: 'FETCH rtsp://a/ RTSP/1.0\r\n\r\n' }], { transport: 'tcp', serverPort: 554 })['rtsp'], null);
  fuzz(enc('DESCRIBE rtsp://192.0.2.1/x RTSP/1.0\r\nCSeq: 3\r\nAccept: application/sdp\r\n\r\n'), 'tcp', 554);
  void hex;
});
