import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';

const u32 = (v: number): Uint8Array => Uint8Array.of((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
const cstr = (s: string): Uint8Array => cat(utf8(s), Uint8Array.of(0));
/** header (command_length computed) + body */
const pdu = (commandId: number, status: number, sequence: number, ...body: Uint8Array[]): Uint8Array => {
  const b = cat(...body);
  return cat(u32(16 + b.length), u32(commandId), u32(status), u32(sequence), b);
};
// v3.4 §4.1.1: system_id, password, system_type, interface_version, addr_ton, addr_npi, address_range
const bindBody = (password: string, version: number): Uint8Array =>
  cat(cstr('esme01'), cstr(password), cstr('VMS'), Uint8Array.of(version, 0x01, 0x01), cstr(''));
const bindTransceiver = pdu(0x00000009, 0, 1, bindBody('', 0x34));
// §4.1.2 bind_transceiver_resp: system_id of the SMSC, then the sc_interface_version TLV
const bindTransceiverResp = pdu(0x80000009, 0, 1, cstr('SMSC'), hex('02 10 00 01 34'));
const enquireLink = pdu(0x00000015, 0, 7);
const enquireLinkResp = pdu(0x80000015, 0, 7);

const tcp2775 = { transport: 'tcp', serverPort: 2775 } as const;
const elsewhere = { transport: 'tcp', serverPort: 40775 } as const;
const pieces = (m: Uint8Array, size: number) => {
  const out = [];
  for (let i = 0; i < m.length; i += size) out.push({ dir: 0 as const, payload: m.subarray(i, i + size) });
  return out;
};

test('SMPP binds: receiver, transmitter, transceiver; versions 3.3, 3.4, 5.0; the answer', () => {
  for (const [id, name] of [[1, 'bind_receiver'], [2, 'bind_transmitter'], [9, 'bind_transceiver']] as const) {
    for (const [v, vname] of [[0x33, '3.3'], [0x34, '3.4'], [0x50, '5.0']] as const) {
      const r = identify([{ dir: 0, payload: pdu(id, 0, 1, bindBody('', v)) }], elsewhere);
      assert.equal(r['protocol'], 'SMPP');
      assert.equal(r['confidence'], 'dpi');
      assert.deepEqual(r['smpp'], { command: name, interface_version: vname });
    }
  }
  const both = identify([{ dir: 0, payload: bindTransceiver }, { dir: 1, payload: bindTransceiverResp }], tcp2775);
  assert.deepEqual(both['smpp'], { command: 'bind_transceiver', interface_version: '3.4' });
});

test('SMPP: a bind with a password raises clear_text_credentials; outbind from the SMSC', () => {
  const r = identify([{ dir: 0, payload: pdu(2, 0, 1, bindBody('secret', 0x34)) }], tcp2775);
  assert.equal(r['protocol'], 'SMPP');
  assert.ok((r['risks'] as string[]).includes('clear_text_credentials'));
  assert.ok(!JSON.stringify(r).includes('secret'));
  assert.ok(!JSON.stringify(identify([{ dir: 0, payload: bindTransceiver }], tcp2775)['risks'] ?? []).includes('clear_text_credentials'));
  const outbind = identify([{ dir: 1, payload: pdu(0x0b, 0, 1, cstr('SMSC'), cstr('pw')) }], elsewhere);
  assert.deepEqual(outbind['smpp'], { command: 'outbind' });
});

test('SMPP: a capture that starts with the SMSC, a failed bind, other PDUs', () => {
  const r = identify([{ dir: 1, payload: bindTransceiverResp }], elsewhere);
  assert.deepEqual(r['smpp'], { command: 'bind_transceiver_resp', interface_version: '3.4' });
  // ESME_RBINDFAIL (0x0d): the body is left out
  assert.deepEqual(identify([{ dir: 1, payload: pdu(0x80000002, 0x0d, 1) }], elsewhere)['smpp'], { command: 'bind_transmitter_resp' });
  // mid-session: enquire_link on the SMPP port; elsewhere it needs its answer
  assert.deepEqual(identify([{ dir: 0, payload: enquireLink }], tcp2775)['smpp'], { command: 'enquire_link' });
  assert.ok(notByDpi(identify([{ dir: 0, payload: enquireLink }], elsewhere), 'SMPP'));
  assert.deepEqual(identify([{ dir: 0, payload: enquireLink }, { dir: 1, payload: enquireLinkResp }], elsewhere)['smpp'], { command: 'enquire_link' });
  const submit = pdu(4, 0, 9, cstr(''), hex('01 01'), cstr('123'), hex('01 01'), cstr('456'), hex('00 00 00'), cstr(''), cstr(''), hex('00 00 00 00 02'), utf8('hi'));
  assert.deepEqual(identify([{ dir: 0, payload: cat(submit, enquireLink) }], tcp2775)['smpp'], { command: 'submit_sm' });
  // off its port too: the header reads as a Kafka Produce request, whose body it does not fit
  assert.deepEqual(identify([{ dir: 0, payload: cat(submit, enquireLink) }], elsewhere)['smpp'], { command: 'submit_sm' });
  // two well-formed PDUs in one segment name the flow on any port
  const deliverSmResp = pdu(0x80000005, 0, 3, cstr(''));
  assert.deepEqual(identify([{ dir: 1, payload: cat(deliverSmResp, enquireLinkResp) }], elsewhere)['smpp'], { command: 'deliver_sm_resp' });
});

test('SMPP split segments: 1-byte and 3-byte pieces', () => {
  const byteByByte = [...pieces(bindTransceiver.subarray(0, 10), 1), { dir: 0 as const, payload: bindTransceiver.subarray(10) }];
  assert.deepEqual(identify(byteByByte, elsewhere)['smpp'], { command: 'bind_transceiver', interface_version: '3.4' });
  assert.deepEqual(identify(pieces(bindTransceiver, 3), elsewhere)['smpp'], { command: 'bind_transceiver', interface_version: '3.4' });
});

test('SMPP: look-alikes and broken PDUs are refused', () => {
  const others = [
    utf8('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'),
    hex('16 03 01 00 2f 01 00 00 2b 03 03'),
    utf8('SSH-2.0-OpenSSH_9.6\r\n'),
    hex('03 3a 11 c2 99 04 7e 5b 01 fe 33 20 6c d0 aa 19 42 42 42 42'),
    // Kafka ApiVersions request: INT32 size then api_key 18
    cat(u32(20), hex('00 12 00 00 00 00 00 01 00 04 61 62 63 64 00 00 00 00 00 00')),
  ];
  for (const p of others) assert.ok(notByDpi(identify([{ dir: 0, payload: p }], tcp2775), 'SMPP'));
  const bad = [
    bindTransceiver.subarray(0, 12), // truncated header
    pdu(0x00000042, 0, 1), // unknown command_id
    pdu(0x00000015, 1, 7), // a request with a status
    pdu(0x00000015, 0, 0), // sequence number 0
    cat(u32(12), u32(0x15), u32(0), u32(1)), // command_length below 16
    pdu(0x00000015, 0, 7, hex('00')), // enquire_link has no body
    pdu(9, 0, 1, bindBody('', 0x40)), // interface_version unknown
    pdu(9, 0, 1, cstr('a-system-id-longer-than-sixteen'), cstr(''), cstr(''), hex('34 00 00'), cstr('')),
    pdu(9, 0, 1, bindBody('', 0x34), hex('00')), // a byte past address_range
  ];
  for (const p of bad) assert.ok(notByDpi(identify([{ dir: 0, payload: p }], tcp2775), 'SMPP'));
});

test('SMPP: fuzz', () => {
  fuzz(bindTransceiver, 'tcp', 2775);
  fuzz(bindTransceiverResp, 'tcp', 2775, 1);
});
