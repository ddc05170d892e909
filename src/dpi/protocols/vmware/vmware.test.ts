import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const GREETING_OLD = enc('220 VMware Authentication Daemon Version 1.10: SSL Required\r\n');
const GREETING_NEW = enc('220 VMware Authentication Daemon Version 1.10: SSL Required, ServerDaemonProtocol:SOAP, MKSDisplayProtocol:VNC , , NFCSSL supported/t\r\n');

test('VMware authd greeting names the flow, old and new forms, on 902 and another port', () => {
  for (const [greeting, port] of [[GREETING_OLD, 902], [GREETING_NEW, 912], [GREETING_NEW, 40902]] as const) {
    const r = identify([{ dir: 1, payload: greeting }, { dir: 0, payload: enc('USER root\r\n') }], { transport: 'tcp', serverPort: port });
    assert.equal(r['protocol'], 'VMware');
    assert.equal(r['confidence'], 'dpi');
  }
});

test('VMware greeting split across two segments is still read', () => {
  const r = identify([{ dir: 1, payload: GREETING_NEW.subarray(0, 10) }, { dir: 1, payload: GREETING_NEW.subarray(10) }], { transport: 'tcp', serverPort: 902 });
  assert.equal(r['protocol'], 'VMware');
});

test('VMware: other 220 greetings and a client sending the text are not it; fuzz', () => {
  const ftp = identify([{ dir: 1, payload: enc('220 ProFTPD Server ready.\r\n') }], { transport: 'tcp', serverPort: 902 });
  assert.ok(notByDpi(ftp, 'VMware'));
  const fromClient = identify([{ dir: 0, payload: GREETING_OLD }], { transport: 'tcp', serverPort: 40902 });
  assert.ok(notByDpi(fromClient, 'VMware'));
  fuzz(GREETING_NEW, 'tcp', 902, 1);
});
