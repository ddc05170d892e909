import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFrames, concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';
import { ethernet, ipv4, udp } from '../../../test-support/packet-builder.js';

// Datagrams built after RFC 5415 (§4.1 preamble, §4.2 DTLS header, §4.3 header, §4.4.1 keep-alive,
// §4.5 control messages, §4.6 message elements) and RFC 5416 (the IEEE 802.11 binding).

const control = { transport: 'udp' as const, serverPort: 5246, clientPort: 5246 };
const data = { transport: 'udp' as const, serverPort: 5247, clientPort: 5247 };

const be16 = (v: number): number[] => [v >> 8, v & 0xff];
const element = (type: number, value: Uint8Array): Uint8Array => cat(Uint8Array.of(...be16(type), ...be16(value.length)), value);
/** preamble 0, HLEN 2 (8 octets), RID 0, WBID 1 (IEEE 802.11), no flags, not fragmented; then the control header */
const controlMessage = (type: number, seq: number, elements: Uint8Array): Uint8Array =>
  cat(hex('00 10 02 00  00 00 00 00'), Uint8Array.of(0, 0, 0, type, seq, ...be16(elements.length + 1), 0), elements);

const BOARD_DATA = element(38, cat(hex('00 00 00 00'), element(0, utf8('AP1')), element(1, utf8('SN0001')))); // vendor 0, model, serial
const DISCOVERY_REQUEST = controlMessage(1, 1, cat(
  element(20, hex('01')), // Discovery Type: static configuration
  BOARD_DATA,
  element(41, hex('04')), // WTP Frame Tunnel Mode: 802.3
  element(44, hex('01')), // WTP MAC Type: split MAC
));
const DISCOVERY_RESPONSE = controlMessage(2, 1, cat(
  element(1, hex('0002 0010 0001 0000 0000 0000 0101 0004 0000 0000 0004 3132 3334')), // AC Descriptor
  element(4, utf8('AC-1')), // AC Name
  element(10, hex('c0 00 02 01  00 00')), // CAPWAP Control IPv4 Address, WTP count
));
const ECHO_REQUEST = controlMessage(13, 2, new Uint8Array(0));
/** a Join Request as it travels: DTLS (preamble type 1, 24 reserved bits), a ClientHello record */
const DTLS_HELLO = cat(hex('01 00 00 00'), hex(`
  16 fe ff  00 00  00 00 00 00 00 00  00 36      # handshake record, DTLS 1.0, epoch 0, 54 octets
  01 00 00 2a  00 00  00 00 00  00 00 2a  fe fd  # ClientHello, message seq 0, whole, DTLS 1.2
`), new Uint8Array(32).fill(7), hex('00 00  00 02 c0 2b  01 00')); // random, no session, no cookie, one suite, null compression
const KEEP_ALIVE = cat(hex('00 10 02 08  00 00 00 00'), hex('00 14'), element(35, new Uint8Array(16).fill(0x5a))); // K, Session ID

/** a native 802.11 management frame (a probe request): no IP packet, it stays on the outer flow */
const PROBE_REQUEST = cat(hex('00 10 03 00  00 00 00 00'), hex(`
  40 00 00 00  ff ff ff ff ff ff  02 00 00 00 00 01  ff ff ff ff ff ff  10 00   # probe request, broadcast
  00 00  01 04 02 04 0b 16                                                   # wildcard SSID, rates
`));

test('CAPWAP: the discovery exchange on the control channel, and the answer first', () => {
  const r = identify([{ dir: 0, payload: DISCOVERY_REQUEST }, { dir: 1, payload: DISCOVERY_RESPONSE }], { transport: 'udp', serverPort: 5246, clientPort: 12222 });
  assert.equal(r['protocol'], 'CAPWAP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['capwap'], { channel: 'control', message: 'discovery_request' });
  assert.deepEqual(identify([{ dir: 1, payload: DISCOVERY_RESPONSE }], control)['capwap'], { channel: 'control', message: 'discovery_response' });
  assert.deepEqual(identify([{ dir: 0, payload: ECHO_REQUEST }], control)['capwap'], { channel: 'control', message: 'echo_request' });
  // every message type of §4.5.1 (an empty message of each)
  for (let type = 1; type <= 26; type++) assert.equal(identify([{ dir: 0, payload: controlMessage(type, 9, new Uint8Array(0)) }], control)['protocol'], 'CAPWAP', `type ${type}`);
});

test('CAPWAP: DTLS-protected control and data channels', () => {
  assert.deepEqual(identify([{ dir: 0, payload: DTLS_HELLO }], control)['capwap'], { channel: 'control', message: 'dtls' });
  const appData = cat(hex('01 00 00 00  17 fe fd 00 01 00 00 00 00 00 05 00 20'), new Uint8Array(32).fill(0xa5));
  assert.deepEqual(identify([{ dir: 1, payload: appData }], data)['capwap'], { channel: 'data', message: 'dtls' });
});

test('CAPWAP: data channel keep-alives, and frames that carry no IP packet, name the outer flow', () => {
  const r = identify([{ dir: 0, payload: KEEP_ALIVE }, { dir: 1, payload: KEEP_ALIVE }], data);
  assert.equal(r['protocol'], 'CAPWAP');
  assert.deepEqual(r['capwap'], { channel: 'data', message: 'keep_alive' });
  const probe = identify([{ dir: 0, payload: PROBE_REQUEST }], data);
  assert.equal(probe['protocol'], 'CAPWAP');
  assert.deepEqual(probe['capwap'], { channel: 'data', message: 'frame' });
});

test('CAPWAP: data frames with an IP packet are decapsulated (802.11 and 802.3), keep-alives stay the outer flow', () => {
  const DNS = hex('12 34 01 00 00 01 00 00 00 00 00 00 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 00 01 00 01');
  const inner = (sport: number): Uint8Array => ipv4({ src: '10.9.0.7', dst: '10.9.0.53', proto: 17 }, udp(sport, 53, DNS));
  const wlan = cat(hex('00 10 03 00  00 00 00 00'), hex('08 01 00 00  00 11 22 33 44 55  00 aa bb cc dd ee  00 11 22 33 44 55  00 00  aa aa 03 00 00 00 08 00'), inner(40600));
  const dot3 = cat(hex('00 10 02 00  00 00 00 00'), ethernet(0x0800, inner(40601)));
  const outer = (payload: Uint8Array): Uint8Array => ethernet(0x0800, ipv4({ src: '192.0.2.60', dst: '192.0.2.1', proto: 17 }, udp(5247, 5247, payload)));
  const records = analyzeFrames([outer(KEEP_ALIVE), outer(wlan), outer(dot3)]);
  assert.equal(records.length, 3);
  const names = records.map((r) => `${String(r['sport'])} ${String(r['protocol'])} ${String(r['tunnel'])}`).sort();
  assert.deepEqual(names, ['40600 DNS CAPWAP', '40601 DNS CAPWAP', '5247 CAPWAP null']);
});

test('CAPWAP: broken headers and other protocols on 5246/5247 are not CAPWAP', () => {
  const mutated = (m: Uint8Array, i: number, v: number): Uint8Array => {
    const c = Uint8Array.from(m);
    c[i] = v;
    return c;
  };
  const badControl = [
    mutated(DISCOVERY_REQUEST, 0, 0x10), // version 1
    mutated(DISCOVERY_REQUEST, 0, 0x02), // preamble type 2
    mutated(DISCOVERY_REQUEST, 1, 0x08), // HLEN 1
    mutated(DISCOVERY_REQUEST, 1, 0xf8), // HLEN beyond the datagram
    mutated(DISCOVERY_REQUEST, 2, 0x04), // WBID 2 (reserved)
    mutated(DISCOVERY_REQUEST, 3, 0x01), // a reserved flag
    mutated(DISCOVERY_REQUEST, 11, 0x1b), // message type 27
    mutated(DISCOVERY_REQUEST, 8, 0x01), // a vendor's enterprise number
    mutated(DISCOVERY_REQUEST, 14, DISCOVERY_REQUEST[14]! + 1), // element length too long
    mutated(DISCOVERY_REQUEST, 15, 0x01), // control flags not zero
    mutated(DISCOVERY_REQUEST, 18, 0x01), // an element that overruns the message
    mutated(DTLS_HELLO, 4, 0x18), // a DTLS content type DTLS 1.2 does not have
    mutated(DTLS_HELLO, 6, 0xfc), // not a DTLS version
    mutated(DTLS_HELLO, 1, 0x01), // the reserved bits of the DTLS header
    KEEP_ALIVE, // a keep-alive on the control channel
    hex('12 34 01 00 00 01 00 00 00 00 00 00 03 77 77 77 00 00 01 00 01'),
    utf8('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    hex('16 fe fd 00 00 00 00 00 00 00 00 00 10'), // DTLS without the CAPWAP preamble
    utf8('SSH-2.0-OpenSSH_9.6\r\n'),
    hex('00 10 02 00 9c 1e 77 03 bd 41 c8 5a 2b 90 11 00 44 91'), // random bytes after a plausible header start
  ];
  for (const b of badControl) assert.ok(notByDpi(identify([{ dir: 0, payload: b }], control), 'CAPWAP'), `control ${Buffer.from(b).toString('hex')}`);
  const badData = [
    mutated(KEEP_ALIVE, 9, 0x15), // keep-alive element length off by one
    mutated(KEEP_ALIVE, 11, 0x24), // the element is not a Session ID
    mutated(PROBE_REQUEST, 2, 0x07), // native frame with WBID 3 (EPCGlobal has no native frame here)
    PROBE_REQUEST.subarray(0, 20), // too short for an 802.11 header
    mutated(PROBE_REQUEST, 3, 0x90), // fragment with the radio MAC flag but no room for it
    cat(hex('00 10 02 80  00 01 00 08'), new Uint8Array(40)), // a later fragment: no frame starts here
    DISCOVERY_REQUEST.subarray(0, 7),
  ];
  for (const b of badData) assert.ok(notByDpi(identify([{ dir: 0, payload: b }], data), 'CAPWAP'), `data ${Buffer.from(b).toString('hex')}`);
  // a control message elsewhere is not named
  assert.ok(notByDpi(identify([{ dir: 0, payload: DISCOVERY_REQUEST }], { transport: 'udp', serverPort: 40000 }), 'CAPWAP'));
});

test('CAPWAP: fuzz', () => {
  fuzz(DISCOVERY_REQUEST, 'udp', 5246, 0);
  fuzz(DTLS_HELLO, 'udp', 5246, 0);
  fuzz(KEEP_ALIVE, 'udp', 5247, 1);
});
