import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFrames, concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';
import { ethernet, ipv4, tcp, TCP_ACK, TCP_PSH, TCP_SYN, udp } from '../../../test-support/packet-builder.js';
import { setUdpTunnelDecapsulation } from '../../../decode/dispatch.js';

// Datagrams built after RFC 7348 §5 and draft-ietf-nvo3-vxlan-gpe §3.

const vxlan = { transport: 'udp' as const, serverPort: 4789 };
const HEADER = hex('08 00 00 00  00 00 2a 00'); // I flag, VNI 42
const ARP = ethernet(0x0806, hex('00 01 08 00 06 04 00 01  02 00 00 00 00 0a  0a 00 00 01  00 00 00 00 00 00  0a 00 00 02'), { dst: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff] });
const DNS = hex('12 34 01 00 00 01 00 00 00 00 00 00 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 00 01 00 01');
const INNER_IP = ethernet(0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.53', proto: 17 }, udp(33001, 53, DNS)));

test('VXLAN: what stays on the outer flow (an ARP frame) is named VXLAN, with its VNI', () => {
  const r = identify([{ dir: 0, payload: cat(HEADER, ARP) }], vxlan);
  assert.equal(r['protocol'], 'VXLAN');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['vxlan'], { vni: 42 });
  assert.equal(r['tunnel'], null);
  // the group-based policy extension (G, policy id in octets 2..3)
  const gbp = identify([{ dir: 1, payload: cat(hex('88 00 00 64  00 01 00 00'), ARP) }], vxlan);
  assert.deepEqual(gbp['vxlan'], { vni: 256 });
});

test('VXLAN: inner IP flows are decapsulated (the outer flow is not reported, as with nDPI -t)', () => {
  const frame = (fromA: boolean, inner: Uint8Array): Uint8Array =>
    ethernet(0x0800, ipv4({ src: fromA ? '203.0.113.1' : '203.0.113.2', dst: fromA ? '203.0.113.2' : '203.0.113.1', proto: 17 }, udp(fromA ? 40001 : 40002, 4789, cat(HEADER, inner))));
  const seg = (fromC: boolean, t: Uint8Array): Uint8Array => ethernet(0x0800, ipv4({ src: fromC ? '10.0.0.1' : '10.0.0.2', dst: fromC ? '10.0.0.2' : '10.0.0.1', proto: 6 }, t));
  const records = analyzeFrames([
    frame(true, seg(true, tcp(33000, 80, TCP_SYN, undefined, 999))),
    frame(false, seg(false, tcp(80, 33000, TCP_SYN | TCP_ACK, undefined, 4999, 1000))),
    frame(true, seg(true, tcp(33000, 80, TCP_PSH | TCP_ACK, utf8('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'), 1000, 5000))),
    frame(true, ARP),
  ]);
  assert.equal(records.length, 2);
  const http = records.find((r) => r['l4'] === 'TCP')!;
  assert.equal(http['protocol'], 'HTTP');
  assert.equal(http['tunnel'], 'VXLAN');
  const outer = records.find((r) => r['l4'] === 'UDP')!;
  assert.equal(outer['protocol'], 'VXLAN');
  assert.equal(outer['packets_c2s'], 1);
});

test('VXLAN: with decapsulation off, the outer flow of an IP frame is named VXLAN', () => {
  setUdpTunnelDecapsulation('vxlan', false);
  try {
    const r = identify([{ dir: 0, payload: cat(HEADER, INNER_IP) }], vxlan);
    assert.equal(r['protocol'], 'VXLAN');
    // VXLAN-GPE with an IPv4 packet, an Ethernet frame, NSH
    const gpe = { transport: 'udp' as const, serverPort: 4790 };
    assert.deepEqual(identify([{ dir: 0, payload: cat(hex('0c 00 00 01  00 00 07 00'), INNER_IP.subarray(14)) }], gpe)['vxlan'], { vni: 7 });
    assert.equal(identify([{ dir: 0, payload: cat(hex('0c 00 00 03  00 00 07 00'), INNER_IP) }], gpe)['protocol'], 'VXLAN');
    assert.equal(identify([{ dir: 0, payload: cat(hex('0c 00 00 04  00 00 07 00'), hex('00 06 01 03 00 00 01 ff')) }], gpe)['protocol'], 'VXLAN');
  } finally {
    setUdpTunnelDecapsulation('vxlan', true);
  }
});

test('VXLAN: broken headers and other protocols on 4789 are not VXLAN', () => {
  const bad = [
    cat(hex('00 00 00 00  00 00 2a 00'), ARP), // I flag clear
    cat(hex('09 00 00 00  00 00 2a 00'), ARP), // a reserved flag
    cat(hex('08 00 00 01  00 00 2a 00'), ARP), // reserved octets not zero
    cat(hex('08 00 00 00  00 00 2a 05'), ARP), // last reserved octet
    cat(HEADER, ARP.subarray(0, 10)), // no room for an Ethernet header
    cat(hex('0c 00 00 01  00 00 07 00'), INNER_IP), // a GPE header on the VXLAN port
    DNS,
    utf8('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    hex('16 03 01 00 2e 01 00 00 2a 03 03'),
    utf8('SSH-2.0-OpenSSH_9.6\r\n'),
    hex('08 9c 1e 77 03 bd 41 c8 5a 2b 90 11 00 44 91 fe 7a 2c 61 08 45 00'), // random bytes after the I flag
  ];
  for (const b of bad) assert.ok(notByDpi(identify([{ dir: 0, payload: b }], vxlan), 'VXLAN'), Buffer.from(b).toString('hex'));
  const gpe = { transport: 'udp' as const, serverPort: 4790 };
  for (const b of [cat(hex('2c 00 00 01  00 00 07 00'), INNER_IP.subarray(14)), cat(hex('0c 00 00 09  00 00 07 00'), INNER_IP), cat(hex('0c 00 00 01  00 00 07 00'), INNER_IP)]) {
    assert.ok(notByDpi(identify([{ dir: 0, payload: b }], gpe), 'VXLAN'), Buffer.from(b).toString('hex')); // version 1, next 9, IPv4 said but Ethernet there
  }
  assert.ok(notByDpi(identify([{ dir: 0, payload: cat(HEADER, ARP) }], { transport: 'udp', serverPort: 40000 }), 'VXLAN'));
});

test('VXLAN: fuzz', () => {
  fuzz(cat(HEADER, ARP), 'udp', 4789, 0);
});
