import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFrames, concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';
import { ethernet, ipv4, ipv6, tcp, TCP_ACK, TCP_PSH, TCP_SYN, udp } from '../../../test-support/packet-builder.js';
import { setUdpTunnelDecapsulation } from '../../../decode/dispatch.js';

// Datagrams built after RFC 4380 §5.1.1 (indicators), §2.8 (bubbles), §5.2.1 (qualification).

const teredo = { transport: 'udp' as const, serverPort: 3544 };
const CLIENT = '2001:0:c633:6414:0:f5ff:3ffd:fff5'; // 2001:0::/32, server 198.51.100.20, flags, obfuscated port and address
const PEER = '2001:0:c633:641e:0:f5ff:3ffd:ffe1';

const AUTH = hex(`
  00 01                      # authentication indicator
  00 00                      # client identifier length 0, authentication value length 0
  01 02 03 04 05 06 07 08    # nonce
  00                         # confirmation
`);
const AUTH_WITH_VALUES = hex(`
  00 01  04 02               # identifier of 4 octets, value of 2
  63 6c 69 31  ab cd         # identifier, value
  01 02 03 04 05 06 07 08  00
`);
const ORIGIN = hex('00 00  3c af  39 cc 9b f5'); // origin indication: obfuscated port, obfuscated address

/** qualification: the client's router solicitation, from its link-local address to all routers */
const RS = cat(AUTH, ipv6({ src: 'fe80::8000:ffff:ffff:fffe', dst: 'ff02::2', next: 58, hopLimit: 255 }, hex('85 00 00 00  00 00 00 00')));
/** the server's router advertisement with the Teredo prefix, behind the origin indication */
const RA = cat(AUTH, ORIGIN, ipv6({ src: 'fe80::8000:f227:bec4:74c5', dst: 'fe80::8000:ffff:ffff:fffe', next: 58, hopLimit: 255 }, hex(`
  86 00 00 00  00 00 00 00  00 00 00 00  00 00 00 00     # RA: hop limit, flags, lifetime, timers
  03 04 40 c0  ff ff ff ff  ff ff ff ff  00 00 00 00     # prefix information: 2001:0:c633:6414::/64
  20 01 00 00 c6 33 64 14  00 00 00 00 00 00 00 00
`)));
const BUBBLE = ipv6({ src: CLIENT, dst: PEER, next: 59 }, new Uint8Array(0));
const DNS = hex('12 34 01 00 00 01 00 00 00 00 00 00 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 00 01 00 01');
const DATA = ipv6({ src: CLIENT, dst: '2001:db8::53', next: 17 }, udp(5353, 53, DNS));

test('Teredo: qualification (router solicitation and advertisement), and the advertisement alone', () => {
  const r = identify([{ dir: 0, payload: RS }, { dir: 1, payload: RA }], teredo);
  assert.equal(r['protocol'], 'Teredo');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['teredo'], { message: 'router_solicitation' });
  assert.equal(r['tunnel'], null, 'the outer flow, as nDPI reports it');
  assert.deepEqual(identify([{ dir: 1, payload: RA }], teredo)['teredo'], { message: 'router_advertisement' });
});

test('Teredo: bubbles, direct and behind the indications; packets with an authentication value', () => {
  for (const m of [BUBBLE, cat(ORIGIN, BUBBLE), cat(AUTH, ORIGIN, BUBBLE)]) {
    const r = identify([{ dir: 0, payload: m }], teredo);
    assert.equal(r['protocol'], 'Teredo');
    assert.deepEqual(r['teredo'], { message: 'bubble' });
  }
  const r = identify([{ dir: 0, payload: cat(AUTH_WITH_VALUES, RS.subarray(AUTH.length)) }], teredo);
  assert.deepEqual(r['teredo'], { message: 'router_solicitation' });
  // the relay's side seen first: Teredo from port 3544
  assert.equal(identify([{ dir: 1, payload: cat(ORIGIN, DATA) }], teredo)['protocol'], 'Teredo');
});

/** a client's TCP connection to a native IPv6 host through a relay (both ways on UDP 3544) */
function relayedTcp(): Uint8Array[] {
  const frame = (fromClient: boolean, seg: Uint8Array): Uint8Array => ethernet(0x0800, ipv4(
    { src: fromClient ? '192.0.2.10' : '198.51.100.30', dst: fromClient ? '198.51.100.30' : '192.0.2.10', proto: 17 },
    udp(fromClient ? 50001 : 3544, fromClient ? 3544 : 50001, ipv6({ src: fromClient ? CLIENT : '2001:db8::80', dst: fromClient ? '2001:db8::80' : CLIENT, next: 6 }, seg)),
  ));
  const get = utf8('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n');
  return [
    frame(true, tcp(51000, 80, TCP_SYN, undefined, 999)),
    frame(false, tcp(80, 51000, TCP_SYN | TCP_ACK, undefined, 4999, 1000)),
    frame(true, tcp(51000, 80, TCP_ACK, undefined, 1000, 5000)),
    frame(true, tcp(51000, 80, TCP_PSH | TCP_ACK, get, 1000, 5000)),
  ];
}

test('Teredo: IPv6 TCP through a relay is one outer Teredo flow by default, as nDPI reports it', () => {
  const records = analyzeFrames(relayedTcp());
  assert.equal(records.length, 1);
  assert.equal(records[0]!['protocol'], 'Teredo');
  assert.deepEqual(records[0]!['teredo'], { message: 'ipv6' });
  assert.equal(records[0]!['packets_c2s'], 3);
  assert.equal(records[0]!['dport'], 3544);
});

test('Teredo: with decapsulation on, the inner IPv6 flow is tracked instead', () => {
  setUdpTunnelDecapsulation('teredo', true);
  try {
    const records = analyzeFrames(relayedTcp());
    assert.equal(records.length, 1);
    assert.equal(records[0]!['tunnel'], 'Teredo');
    assert.equal(records[0]!['protocol'], 'HTTP');
    assert.equal(records[0]!['src'], CLIENT);
  } finally {
    setUdpTunnelDecapsulation('teredo', false);
  }
});

test('Teredo: broken datagrams and other protocols on 3544 are not Teredo', () => {
  const mutated = (m: Uint8Array, i: number, v: number): Uint8Array => {
    const c = Uint8Array.from(m);
    c[i] = v;
    return c;
  };
  const bad = [
    mutated(BUBBLE, 5, 0x01), // payload length 1, nothing follows
    cat(BUBBLE, Uint8Array.of(0)), // a byte after the packet
    mutated(BUBBLE, 0, 0x40), // version 4
    mutated(DATA, 5, DATA[5]! + 4), // payload length beyond the datagram
    cat(hex('00 01 00 08'), RS.subarray(AUTH.length)), // authentication indicator whose identifier swallows the packet
    cat(hex('00 00 3c af'), BUBBLE), // origin indication cut short
    ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 17 }, udp(1, 2, DNS)), // an IPv4 packet
    DNS,
    utf8('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    hex('16 03 01 00 2e 01 00 00 2a 03 03'),
    utf8('SSH-2.0-OpenSSH_9.6\r\n'),
    hex('60 00 00 00 00 08 3a ff 9c 1e 77 03 bd 41 c8 5a 2b 90 11 00'), // random bytes after an IPv6-looking start
  ];
  for (const b of bad) {
    const r = identify([{ dir: 0, payload: b }], teredo);
    assert.ok(notByDpi(r, 'Teredo'), Buffer.from(b).toString('hex'));
    // nor guessed from the port: nDPI leaves such a flow Unknown
    assert.notEqual(r['protocol'], 'Teredo', Buffer.from(b).toString('hex'));
  }
  // a Teredo bubble between two peers on other ports: nDPI does not name it, neither does sonde
  assert.ok(notByDpi(identify([{ dir: 0, payload: BUBBLE }], { transport: 'udp', serverPort: 50123 }), 'Teredo'));
});

test('Teredo: fuzz', () => {
  fuzz(RA, 'udp', 3544, 1);
  fuzz(cat(AUTH, ORIGIN, BUBBLE), 'udp', 3544, 0);
});
