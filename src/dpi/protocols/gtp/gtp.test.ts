import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFrames, concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';
import { ethernet, ipv4, tcp, TCP_ACK, TCP_PSH, TCP_SYN, udp } from '../../../test-support/packet-builder.js';
import { setUdpTunnelDecapsulation } from '../../../decode/dispatch.js';

// Messages built after 3GPP TS 29.274 (GTPv2-C), TS 29.060 (GTPv1-C), TS 29.281 (GTPv1-U),
// TS 32.295 (GTP') and GSM 09.60 (GTPv0).

const ECHO = hex(`
  40            # version 2, no piggybacking, no TEID
  01            # Echo Request
  00 09         # length 9 (after the first 4 bytes)
  00 00 01 00   # sequence number, spare
  03 00 01 00 05   # Recovery IE: type 3, length 1, instance 0, value 5
`);
// GTPv1 flags E/S/PN set but length 0: no room for their 4 bytes
const BAD = hex('37 03 00 00 42 00 00 00');

test('GTP_C: GTPv2-C echo request', () => {
  const r = identify([{ dir: 0, payload: ECHO }], { transport: 'udp', serverPort: 2123 });
  assert.equal(r['protocol'], 'GTP_C');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['gtp'], { version: 2 });
});

test('GTP_C: inconsistent GTPv1 header refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 2123 });
  assert.ok(notByDpi(r, 'GTP_C'));
  fuzz(ECHO, 'udp', 2123, 0);
});

// ---- GTP-U (TS 29.281)

const gtpu = { transport: 'udp' as const, serverPort: 2152, clientPort: 2152 };

const U_ECHO_REQUEST = hex(`
  32            # version 1, PT 1, S: the sequence number is present (§7.2.1)
  01            # Echo Request
  00 04         # length: the 4 optional octets
  00 00 00 00   # TEID 0 (path management)
  00 07 00 00   # sequence 7, N-PDU number, no extension header
`);
const U_ECHO_RESPONSE = hex(`
  32 02 00 06  00 00 00 00  00 07 00 00
  0e 00         # Recovery (TV, one octet, 0 in GTP-U)
`);
const U_ERROR_INDICATION = hex(`
  32 1a 00 10  00 00 00 00  00 00 00 00
  10 00 00 00 11         # TEID Data I (TV, four octets)
  85 00 04 0a 0a 00 02   # GTP-U Peer Address (TLV): 10.10.0.2
`);
const U_END_MARKER = hex('30 fe 00 00  00 00 00 11'); // header only, TEID of the tunnel
const U_SUPPORTED_EXTENSIONS = hex(`
  32 1f 00 07  00 00 00 00  00 08 00 00
  8d 01 c0      # Extension Header Type List (one-octet length): PDCP PDU number
`);
/** a G-PDU whose T-PDU is not an IP packet (PPP LCP): sonde cannot decapsulate it */
const U_GPDU_PPP = hex('30 ff 00 08  00 00 00 2a  c0 21 01 01 00 04 00 00');
/** a G-PDU with the E flag: PDU Session Container extension header (length 1: 4 octets), then the packet */
const U_GPDU_EXT_PPP = hex(`
  34 ff 00 10  00 00 00 2a
  00 00 00 85               # sequence, N-PDU, next: PDU Session Container
  01 10 09 00               # one 4-octet extension header, next none
  c0 21 01 01 00 04 00 00
`);

test('GTP_U: the path messages: echo request and response, error indication, end marker, supported extension headers', () => {
  const echo = identify([{ dir: 0, payload: U_ECHO_REQUEST }, { dir: 1, payload: U_ECHO_RESPONSE }], gtpu);
  assert.equal(echo['protocol'], 'GTP_U');
  assert.equal(echo['confidence'], 'dpi');
  assert.deepEqual(echo['gtp'], { version: 1, message: 'echo_request' });
  // the response seen first (the capture started late)
  assert.deepEqual(identify([{ dir: 1, payload: U_ECHO_RESPONSE }], gtpu)['gtp'], { version: 1, message: 'echo_response' });
  for (const [m, name] of [[U_ERROR_INDICATION, 'error_indication'], [U_END_MARKER, 'end_marker'], [U_SUPPORTED_EXTENSIONS, 'supported_extension_headers_notification']] as const) {
    const r = identify([{ dir: 0, payload: m }], gtpu);
    assert.equal(r['protocol'], 'GTP_U', name);
    assert.equal(r['confidence'], 'dpi', name);
    assert.deepEqual(r['gtp'], { version: 1, message: name });
  }
  // an ephemeral port on one side, 2152 on the other
  assert.equal(identify([{ dir: 0, payload: U_END_MARKER }], { transport: 'udp', serverPort: 2152 })['protocol'], 'GTP_U');
});

test('GTP_U: a G-PDU that does not carry an IP packet names the outer flow', () => {
  for (const m of [U_GPDU_PPP, U_GPDU_EXT_PPP]) {
    const r = identify([{ dir: 0, payload: m }], gtpu);
    assert.equal(r['protocol'], 'GTP_U');
    assert.deepEqual(r['gtp'], { version: 1, message: 'g_pdu' });
    assert.equal(r['tunnel'], null);
  }
});

// a G-PDU path carrying one inner TCP exchange, plus an echo on the same path (what nDPI's reader
// with -t reports: the inner flow with its own name, and the echo as a GTP_U flow)
function gpduPath(): Uint8Array[] {
  const gpdu = (teid: number, inner: Uint8Array): Uint8Array => cat(hex('30 ff'), Uint8Array.of(inner.length >> 8, inner.length & 0xff, 0, 0, 0, teid), inner);
  const outer = (fromEnb: boolean, payload: Uint8Array): Uint8Array =>
    ethernet(0x0800, ipv4({ src: fromEnb ? '10.10.0.1' : '10.10.0.2', dst: fromEnb ? '10.10.0.2' : '10.10.0.1', proto: 17 }, udp(2152, 2152, payload)));
  const inner = (fromUe: boolean, seg: Uint8Array): Uint8Array =>
    ipv4({ src: fromUe ? '100.64.0.9' : '93.184.216.34', dst: fromUe ? '93.184.216.34' : '100.64.0.9', proto: 6 }, seg);
  const get = utf8('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n');
  return [
    outer(true, gpdu(0x11, inner(true, tcp(41000, 80, TCP_SYN, undefined, 999)))),
    outer(false, gpdu(0x22, inner(false, tcp(80, 41000, TCP_SYN | TCP_ACK, undefined, 4999, 1000)))),
    outer(true, gpdu(0x11, inner(true, tcp(41000, 80, TCP_PSH | TCP_ACK, get, 1000, 5000)))),
    outer(true, U_ECHO_REQUEST),
    outer(false, U_ECHO_RESPONSE),
  ];
}

test('GTP_U: G-PDUs are decapsulated, the path messages stay the outer flow, named GTP_U', () => {
  const records = analyzeFrames(gpduPath());
  assert.equal(records.length, 2);
  const innerFlow = records.find((r) => r['l4'] === 'TCP')!;
  assert.equal(innerFlow['protocol'], 'HTTP');
  assert.equal(innerFlow['tunnel'], 'GTP');
  assert.equal(innerFlow['src'], '100.64.0.9');
  const path = records.find((r) => r['l4'] === 'UDP')!;
  assert.equal(path['protocol'], 'GTP_U');
  assert.equal(path['confidence'], 'dpi');
  assert.equal(path['packets_c2s'], 1);
  assert.equal(path['packets_s2c'], 1);
});

test('GTP_U: with decapsulation off (ndpiReader without -t) the whole path is one GTP_U flow', () => {
  setUdpTunnelDecapsulation('gtpu', false);
  try {
    const records = analyzeFrames(gpduPath());
    assert.equal(records.length, 1);
    assert.equal(records[0]!['protocol'], 'GTP_U');
    assert.deepEqual(records[0]!['gtp'], { version: 1, message: 'g_pdu' });
    assert.equal(records[0]!['packets_c2s'], 3);
  } finally {
    setUdpTunnelDecapsulation('gtpu', true);
  }
});

test('GTP_U: broken headers, other GTP versions and other protocols on 2152 are not GTP_U', () => {
  const mutated = (m: Uint8Array, i: number, v: number): Uint8Array => {
    const c = Uint8Array.from(m);
    c[i] = v;
    return c;
  };
  const bad = [
    mutated(U_ECHO_REQUEST, 3, 0x05), // length beyond the datagram
    mutated(U_ECHO_REQUEST, 3, 0x03), // length short of it
    mutated(U_ECHO_REQUEST, 0, 0x22), // version 1 with PT 0 (GTP')
    mutated(U_ECHO_REQUEST, 0, 0x3a), // reserved bit set
    mutated(U_ECHO_REQUEST, 0, 0x52), // version 2
    mutated(U_ECHO_REQUEST, 1, 0x10), // Create PDP Context Request: GTP-C, not a GTP-U message
    mutated(U_ECHO_REQUEST, 0, 0x30), // echo without the sequence number
    mutated(U_ECHO_RESPONSE, 12, 0x0f), // an element no echo response carries
    mutated(U_ERROR_INDICATION, 17, 0x86), // the peer address element missing
    mutated(U_END_MARKER, 1, 0x05), // a message type GTP-U does not define
    hex('30 ff 00 00  00 00 00 2a'), // a G-PDU without a packet
    mutated(U_GPDU_EXT_PPP, 12, 0x00), // an extension header of length 0
    hex('1e 01 00 00  00 01 00 00 ff ff ff ff  00 00 00 00 00 00 00 00'), // GTPv0 echo request (GSM 09.60)
    hex('48 01 00 08  00 00 00 00  00 00 01 00'), // GTPv2-C echo on the GTP-U port
    utf8('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    hex('16 03 01 00 2e 01 00 00 2a 03 03'),
    hex('12 34 01 00 00 01 00 00 00 00 00 00 03 77 77 77 00 00 01 00 01'), // DNS
    utf8('SSH-2.0-OpenSSH_9.6\r\n'),
    hex('32 01 9c 1e 77 03 bd 41 c8 5a 2b 90'), // random bytes after a plausible first octet
  ];
  for (const b of bad) assert.ok(notByDpi(identify([{ dir: 0, payload: b }], gtpu), 'GTP_U'), Buffer.from(b).toString('hex'));
  // the port is part of it: a GTP-U echo elsewhere is not named
  assert.ok(notByDpi(identify([{ dir: 0, payload: U_ECHO_REQUEST }], { transport: 'udp', serverPort: 40000 }), 'GTP_U'));
});

test('GTP_U: fuzz', () => {
  fuzz(U_ECHO_REQUEST, 'udp', 2152, 0);
  fuzz(U_ERROR_INDICATION, 'udp', 2152, 1);
  fuzz(U_GPDU_EXT_PPP, 'udp', 2152, 0);
});

// ---- GTP' (TS 32.295)

const prime = { transport: 'udp' as const, serverPort: 3386 };

/** a GTP' message with the 6-octet header: flags, type, length, sequence number */
const prime6 = (flags: number, type: number, seq: number, body: Uint8Array): Uint8Array =>
  cat(Uint8Array.of(flags, type, body.length >> 8, body.length & 0xff, seq >> 8, seq & 0xff), body);
/** version 0 with the 20-octet header of GTPv0: the 14 octets after the sequence number are unused */
const prime20 = (type: number, seq: number, body: Uint8Array): Uint8Array =>
  cat(Uint8Array.of(0x0e, type, body.length >> 8, body.length & 0xff, seq >> 8, seq & 0xff), hex('00 00 ff ff ff ff ff ff ff ff ff ff ff ff'), body);

const DRT_REQUEST_BODY = hex(`
  7e 01                 # Packet Transfer Command (TV): Send Data Record Packet
  fc 00 0c              # Data Record Packet (TLV), 12 octets
  01                    # one data record
  01                    # format: ASN.1 BER
  71 10                 # format version
  00 06 30 04 80 02 00 01   # the record: length, then its BER encoding
`);
const DRT_RESPONSE_BODY = hex(`
  01 80                 # Cause (TV): Request Accepted
  fd 00 02 00 05        # Requests Responded (TLV): sequence number 5
`);
const NODE_ALIVE_BODY = hex('fb 00 04 0a 14 00 01'); // Node Address (TLV): 10.20.0.1
const REDIRECTION_BODY = hex('01 80  fe 00 04 0a 14 00 03'); // Cause, Address of Recommended Node

/** every message type, request first, in the header of one version (flags byte) */
const primeExchanges = (flags: number): [string, Uint8Array, Uint8Array | null][] => [
  ['echo_request', prime6(flags, 1, 1, new Uint8Array(0)), prime6(flags, 2, 1, hex('0e 00'))],
  ['node_alive_request', prime6(flags, 4, 2, NODE_ALIVE_BODY), prime6(flags, 5, 2, new Uint8Array(0))],
  ['redirection_request', prime6(flags, 6, 3, REDIRECTION_BODY), prime6(flags, 7, 3, hex('01 80'))],
  ['data_record_transfer_request', prime6(flags, 240, 5, DRT_REQUEST_BODY), prime6(flags, 241, 5, DRT_RESPONSE_BODY)],
  ['version_not_supported', prime6(flags, 3, 6, new Uint8Array(0)), null],
];

test("GTP_PRIME: every message type of versions 0 (6-octet header), 1 and 2, the request and its response", () => {
  for (const [flags, version] of [[0x0f, 0], [0x2e, 1], [0x4e, 2]] as const) {
    for (const [name, request, response] of primeExchanges(flags)) {
      const r = identify(response ? [{ dir: 0, payload: request }, { dir: 1, payload: response }] : [{ dir: 0, payload: request }], prime);
      assert.equal(r['protocol'], 'GTP_PRIME', `${version} ${name}`);
      assert.equal(r['confidence'], 'dpi');
      assert.deepEqual(r['gtp'], { version, message: name });
      if (response) {
        // the charging gateway's answer alone
        const answer = identify([{ dir: 1, payload: response }], prime);
        assert.equal(answer['protocol'], 'GTP_PRIME', `${version} answer to ${name}`);
      }
    }
  }
});

test("GTP_PRIME: version 0 with the 20-octet header", () => {
  const r = identify([{ dir: 0, payload: prime20(240, 5, DRT_REQUEST_BODY) }, { dir: 1, payload: prime20(241, 5, DRT_RESPONSE_BODY) }], prime);
  assert.equal(r['protocol'], 'GTP_PRIME');
  assert.deepEqual(r['gtp'], { version: 0, message: 'data_record_transfer_request' });
  assert.deepEqual(identify([{ dir: 0, payload: prime20(1, 1, new Uint8Array(0)) }], prime)['gtp'], { version: 0, message: 'echo_request' });
});

test("GTP_PRIME: GTPv0 on port 3386 is not GTP' (PT 1), and nDPI leaves it unnamed: so does sonde", () => {
  /** GSM 09.60 §6: flags (version 0, PT 1, spare 111, SNN 0), type, length, sequence, flow label, LLC frame number, spare, TID */
  const v0 = (type: number, flow: number, body: Uint8Array): Uint8Array =>
    cat(Uint8Array.of(0x1e, type, body.length >> 8, body.length & 0xff, 0x00, 0x01, flow >> 8, flow & 0xff, 0xff, 0xff, 0xff, 0xff), hex('11 22 33 44 55 66 77 88'), body);
  const inner = ipv4({ src: '100.65.0.9', dst: '192.0.2.53', proto: 17 }, udp(41001, 53, hex('12 34 01 00 00 01 00 00 00 00 00 00 00 00 01 00 01')));
  const createPdpRequest = hex(`
    06 00 00 00            # Quality of Service Profile (TV, 3 octets)
    0e 05  0f fc           # Recovery, Selection mode
    10 00 01  11 00 02     # Flow Label Data I, Flow Label Signalling
    80 00 02 f1 21         # End User Address: IETF, IPv4, dynamic
    83 00 09 08 69 6e 74 65 72 6e 65 74   # Access Point Name
    85 00 04 0a 1e 00 01   # SGSN Address for signalling
    85 00 04 0a 1e 00 01   # SGSN Address for user traffic
  `);
  for (const m of [v0(1, 0, new Uint8Array(0)), v0(2, 0, hex('0e 00')), v0(16, 0, createPdpRequest), v0(255, 7, inner)]) {
    const r = identify([{ dir: 0, payload: m }], { transport: 'udp', serverPort: 3386, clientPort: 3386 });
    assert.ok(notByDpi(r, 'GTP_PRIME'), Buffer.from(m).toString('hex'));
    assert.equal(r['confidence'], 'unknown', 'no port guess either');
    assert.equal(r['tunnel'], null, 'a GTPv0 T-PDU is not decapsulated');
  }
});

test("GTP_PRIME: broken headers and other protocols on 3386 are not GTP'", () => {
  const echo = prime6(0x2e, 1, 1, new Uint8Array(0));
  const drt = prime6(0x2e, 240, 5, DRT_REQUEST_BODY);
  const mutated = (m: Uint8Array, i: number, v: number): Uint8Array => {
    const c = Uint8Array.from(m);
    c[i] = v;
    return c;
  };
  const bad = [
    mutated(echo, 0, 0x6e), // version 3
    mutated(echo, 0, 0x2c), // a spare bit clear
    mutated(echo, 0, 0x2f), // version 1 with the header-length bit set
    mutated(echo, 0, 0x3e), // PT 1: GTP
    mutated(echo, 1, 0x08), // a message type GTP' does not define
    mutated(echo, 3, 0x01), // length beyond the datagram
    cat(echo, Uint8Array.of(0)), // a byte more than the length says
    mutated(drt, 6, 0x01), // Data Record Transfer Request not starting with the Packet Transfer Command
    mutated(drt, 10, 0x0d), // Data Record Packet overruns the message
    prime6(0x2e, 4, 2, hex('0e 00')), // Node Alive Request without the Node Address
    prime6(0x2e, 3, 6, hex('0e 00')), // Version Not Supported carries nothing
    prime20(1, 1, new Uint8Array(0)).subarray(0, 19), // the 20-octet header cut
    utf8('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    hex('16 03 01 00 2e 01 00 00 2a 03 03'),
    hex('12 34 01 00 00 01 00 00 00 00 00 00 03 77 77 77 00 00 01 00 01'),
    hex('2e f0 8c 11 05 a9 e4 7d'), // random bytes after a plausible first octet
  ];
  for (const b of bad) assert.ok(notByDpi(identify([{ dir: 0, payload: b }], prime), 'GTP_PRIME'), Buffer.from(b).toString('hex'));
  // nor on another port
  assert.ok(notByDpi(identify([{ dir: 0, payload: drt }], { transport: 'udp', serverPort: 40000 }), 'GTP_PRIME'));
});

test("GTP_PRIME: fuzz", () => {
  fuzz(prime6(0x2e, 240, 5, DRT_REQUEST_BODY), 'udp', 3386, 0);
  fuzz(prime20(241, 5, DRT_RESPONSE_BODY), 'udp', 3386, 1);
});

test('GTP: a message of the other plane on 2152 or 2123 is named GTP, nDPI\'s parent entry', () => {
  const r = identify([{ dir: 0, payload: hex('48 01 00 08  00 00 00 00  00 00 01 00') }], gtpu); // GTPv2 on the GTP-U port
  assert.equal(r['protocol'], 'GTP');
  assert.equal(r['confidence'], 'dpi');
  // noise on the GTP-U port contradicts GTP: no port guess (the naming rule)
  assert.notEqual(identify([{ dir: 0, payload: hex('00 11 22 33 44 55 66 77 88 99') }], gtpu)['protocol'], 'GTP');
});
