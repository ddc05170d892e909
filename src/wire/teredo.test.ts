import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setUdpTunnelDecapsulation } from '../decode/dispatch.js';
import { Tunnel } from '../decode/layers.js';
import { hex } from './bytes.js';
import { assertIpv4, assertIpv6, assertTransport, decode, fuzz, withBytes } from '../test-support/tunnel-test-kit.js';

// sonde leaves Teredo undecapsulated by default, as nDPI does (decode/dispatch.ts): these tests
// are about the decoder, so this file turns it on (each test file runs in its own process)
setUdpTunnelDecapsulation('teredo', true);

const TEREDO_CLIENT = '2001:0:4136:e378:8000:63bf:3fff:fdd2';

// Ethernet[IPv4[UDP 3544→50000[IPv6[UDP 4000→4001]]]]
const TEREDO_UDP = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00   # Ethernet, IPv4
  45 00 00 50  00 01 00 00  40 11 00 00          # IPv4 total 80, UDP
  c0 00 02 01  c0 00 02 02                       # 192.0.2.1 → 192.0.2.2
  0d d8 c3 50  00 3c 00 00                       # UDP 3544 → 50000, len 60
  60 00 00 00  00 0c 11 40                       # IPv6 payload 12, UDP          (offset 42)
  20 01 00 00 41 36 e3 78 80 00 63 bf 3f ff fd d2   # 2001:0:4136:e378:8000:63bf:3fff:fdd2
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01   # 2001:db8::1
  0f a0 0f a1  00 0c 00 00  01 02 03 04          # UDP 4000 → 4001
`);
const TEREDO_OFFSET = 42;

// Ethernet[IPv4[UDP 3544→50000[origin indication[IPv6[ICMPv6 echo]]]]]
const TEREDO_ORIGIN = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00
  45 00 00 54  00 01 00 00  40 11 00 00          # IPv4 total 84, UDP
  c0 00 02 01  c0 00 02 02
  0d d8 c3 50  00 40 00 00                       # UDP 3544 → 50000, len 64
  00 00 3c af  3f ff fe fd                       # origin indication: obfuscated port and address
  60 00 00 00  00 08 3a 40                       # IPv6 payload 8, ICMPv6
  20 01 00 00 41 36 e3 78 80 00 63 bf 3f ff fd d2
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02   # 2001:db8::2
  80 00 00 00  00 01 00 01                       # echo request
`);

// Ethernet[IPv4[UDP 3544→50000[authentication[origin indication[IPv6 bubble (no next header)]]]]]
const TEREDO_AUTH_BUBBLE = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00
  45 00 00 59  00 01 00 00  40 11 00 00          # IPv4 total 89, UDP
  c0 00 02 01  c0 00 02 02
  0d d8 c3 50  00 45 00 00                       # UDP 3544 → 50000, len 69
  00 01 00 00                                    # authentication: client id length 0, auth value length 0
  11 22 33 44 55 66 77 88  00                    # nonce, confirmation
  00 00 3c af  3f ff fe fd                       # origin indication
  60 00 00 00  00 00 3b 15                       # IPv6 payload 0, no next header, hop limit 21
  fe 80 00 00 00 00 00 00 80 00 f2 27 be c8 61 af   # fe80::8000:f227:bec8:61af
  20 01 00 00 41 36 e3 78 80 00 63 bf 3f ff fd d2
`);

// Ethernet[IPv4[UDP 50000→3544[authentication with client id and auth value[IPv6[ICMPv6 echo]]]]]
const TEREDO_AUTH_VALUES = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00
  45 00 00 5f  00 01 00 00  40 11 00 00          # IPv4 total 95, UDP
  c0 00 02 01  c0 00 02 02
  c3 50 0d d8  00 4b 00 00                       # UDP 50000 → 3544, len 75
  00 01 02 04  ab cd  01 02 03 04                # authentication: client id (2), auth value (4)
  11 22 33 44 55 66 77 88  00                    # nonce, confirmation
  60 00 00 00  00 08 3a 40
  20 01 00 00 41 36 e3 78 80 00 63 bf 3f ff fd d2
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02
  80 00 00 00  00 01 00 01
`);

// Ethernet[IPv4[UDP 50000→3544[DNS query for example.com, id 0x6001]]]: a DNS server on port 3544
const DNS_ON_3544 = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00
  45 00 00 39  00 01 00 00  40 11 00 00          # IPv4 total 57, UDP
  c0 00 02 01  c0 00 02 02
  c3 50 0d d8  00 25 00 00                       # UDP 50000 → 3544, len 37
  60 01 01 00  00 01 00 00  00 00 00 00          # id 0x6001, RD, 1 question
  07 65 78 61 6d 70 6c 65  03 63 6f 6d 00  00 01 00 01   # example.com A IN
`);


function assertPlainUdp(buf: Uint8Array, capLen = buf.length, expectAnomalies: Record<string, number> = {}): void {
  const { p, anomalies } = decode(buf, capLen);
  assert.deepEqual(anomalies, expectAnomalies);
  assert.equal(p.tunnel, Tunnel.None);
  assertIpv4(p, '192.0.2.1', '192.0.2.2');
  assert.equal(p.l4Proto, 17);
  assert.ok(p.sport === 3544 || p.dport === 3544);
}

test('Teredo: the IPv6 packet inside gives the flow', () => {
  const { p, anomalies } = decode(TEREDO_UDP);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.Teredo);
  assert.equal(p.tunnelDepth, 1);
  assertIpv6(p, TEREDO_CLIENT, '2001:db8::1');
  assertTransport(p, 17, 4000, 4001);
});

test('Teredo: origin indication and authentication headers are skipped', () => {
  const origin = decode(TEREDO_ORIGIN);
  assert.deepEqual(origin.anomalies, {});
  assert.equal(origin.p.tunnel, Tunnel.Teredo);
  assertIpv6(origin.p, TEREDO_CLIENT, '2001:db8::2');
  assert.equal(origin.p.l4Proto, 58);

  const bubble = decode(TEREDO_AUTH_BUBBLE);
  assert.deepEqual(bubble.anomalies, {});
  assert.equal(bubble.p.tunnel, Tunnel.Teredo);
  assertIpv6(bubble.p, 'fe80::8000:f227:bec8:61af', TEREDO_CLIENT);
  assert.equal(bubble.p.l4Proto, 59);

  const auth = decode(TEREDO_AUTH_VALUES);
  assert.deepEqual(auth.anomalies, {});
  assert.equal(auth.p.tunnel, Tunnel.Teredo);
  assertIpv6(auth.p, TEREDO_CLIENT, '2001:db8::2');
});

test('Teredo: a DNS server on port 3544 stays a plain UDP flow, without anomaly', () => {
  assertPlainUdp(DNS_ON_3544);
  // an id that reads as an authentication header
  assertPlainUdp(withBytes(withBytes(DNS_ON_3544, TEREDO_OFFSET, 0x00), TEREDO_OFFSET + 1, 0x01));
  // an id that reads as an origin indication
  assertPlainUdp(withBytes(withBytes(DNS_ON_3544, TEREDO_OFFSET, 0x00), TEREDO_OFFSET + 1, 0x00));
});

test('Teredo: the IPv6 payload length must fit the datagram exactly', () => {
  assertPlainUdp(withBytes(TEREDO_UDP, TEREDO_OFFSET + 5, 0x0b)); // one byte short
  assertPlainUdp(withBytes(TEREDO_UDP, TEREDO_OFFSET + 5, 0x0d)); // one byte long
  assertPlainUdp(withBytes(TEREDO_UDP, TEREDO_OFFSET, 0x50)); // version 5
  assertPlainUdp(withBytes(TEREDO_ORIGIN, TEREDO_OFFSET + 1, 0x02)); // an unknown indicator type
});

test('Teredo: cut by the snap length', () => {
  // inside the IPv6 header, the payload length fitting the datagram on the wire: truncated_teredo
  assertPlainUdp(TEREDO_UDP, TEREDO_OFFSET + 10, { truncated_teredo: 1 });
  assertPlainUdp(TEREDO_ORIGIN, TEREDO_OFFSET + 8 + 30, { truncated_teredo: 1 });
  // too little to see the payload length: not counted
  assertPlainUdp(TEREDO_UDP, TEREDO_OFFSET + 4, {});
  // after the IPv6 header: the tunnel is entered, the inner UDP header is what is short
  const inner = decode(TEREDO_UDP, TEREDO_OFFSET + 44);
  assert.deepEqual(inner.anomalies, { truncated_udp: 1 });
  assert.equal(inner.p.tunnel, Tunnel.Teredo);
  assertIpv6(inner.p, TEREDO_CLIENT, '2001:db8::1');
});

test('Teredo: fuzzed packets never throw nor read past the capture', () => {
  const r = fuzz([TEREDO_UDP, TEREDO_ORIGIN, TEREDO_AUTH_BUBBLE, TEREDO_AUTH_VALUES, DNS_ON_3544], 5000, 0x7e4ed0, Tunnel.Teredo);
  assert.ok(r.reachedTunnel > 500, `only ${r.reachedTunnel} fuzzed packets got through Teredo`);
  assert.ok(r.withAnomaly > 100, `only ${r.withAnomaly} fuzzed packets raised an anomaly`);
});
