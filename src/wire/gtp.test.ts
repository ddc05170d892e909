import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Layer, Tunnel } from '../decode/layers.js';
import { hex } from './bytes.js';
import { assertIpv4, assertIpv6, assertOuterUdp, assertTransport, decode, decodeUntil, fuzz, withBytes } from '../test-support/tunnel-test-kit.js';

// Ethernet[IPv4[UDP 2152→2152[GTPv1-U G-PDU TEID 1[IPv4[TCP 49153→443 SYN]]]]]
const GTP_IPV4 = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00   # Ethernet, IPv4
  45 00 00 4c  00 01 00 00  40 11 00 00          # IPv4 total 76, UDP
  c0 00 02 01  c0 00 02 02                       # 192.0.2.1 → 192.0.2.2
  08 68 08 68  00 38 00 00                       # UDP 2152 → 2152, len 56
  30 ff 00 28  00 00 00 01                       # GTP v1 PT=1, G-PDU, length 40, TEID 1   (offset 42)
  45 00 00 28  00 02 00 00  40 06 00 00          # IPv4 total 40, TCP
  0a 2d 00 07  08 08 08 08                       # 10.45.0.7 → 8.8.8.8
  c0 01 01 bb  00 00 00 01  00 00 00 00  50 02 ff ff  00 00 00 00
`);
const GTP_OFFSET = 42;

// Ethernet[IPv4[UDP 2152→2152[GTPv1-U G-PDU E S, PDU session container, UDP port extension[IPv6[UDP 4000→4001]]]]]
const GTP_EXTENSIONS_IPV6 = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00
  45 00 00 64  00 01 00 00  40 11 00 00          # IPv4 total 100, UDP
  c0 00 02 01  c0 00 02 02
  08 68 08 68  00 50 00 00                       # UDP 2152 → 2152, len 80
  36 ff 00 40  00 00 00 02                       # GTP v1 PT=1 E S, G-PDU, length 64, TEID 2
  00 01 00 85                                    # sequence 1, N-PDU 0, next extension 0x85
  01 10 01 40                                    # PDU session container, 1 word; next 0x40
  01 08 68 00                                    # UDP port extension, 1 word; no next
  60 00 00 00  00 0c 11 40                       # IPv6 payload 12, UDP
  20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 01   # 2001:db8:1::1
  20 01 0d b8 00 02 00 00 00 00 00 00 00 00 00 02   # 2001:db8:2::2
  0f a0 0f a1  00 0c 00 00  01 02 03 04          # UDP 4000 → 4001
`);

// Ethernet[IPv4[UDP 2152→2152[GTPv1-U echo request]]]
const GTP_ECHO = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00
  45 00 00 28  00 01 00 00  40 11 00 00          # IPv4 total 40, UDP
  c0 00 02 01  c0 00 02 02
  08 68 08 68  00 14 00 00                       # UDP 2152 → 2152, len 20
  32 01 00 04  00 00 00 00                       # GTP v1 PT=1 S, echo request, length 4, TEID 0
  00 01 00 00                                    # sequence 1
`);

/** Ethernet[IPv4[UDP[GTP G-PDU with `count` chained 1-word extension headers[IPv4[ICMP echo]]]]] */
function gtpWithExtensions(count: number): Uint8Array {
  const ext: string[] = [];
  for (let i = 0; i < count; i++) ext.push(i === count - 1 ? '01 00 00 00' : '01 00 00 40');
  const gtpLen = 4 + count * 4 + 28;
  const h16 = (n: number) => n.toString(16).padStart(4, '0');
  return hex(`
    02 00 00 00 00 02  02 00 00 00 00 01  08 00
    45 00 ${h16(20 + 8 + 8 + gtpLen)}  00 01 00 00  40 11 00 00  c0 00 02 01  c0 00 02 02
    08 68 08 68  ${h16(8 + 8 + gtpLen)} 00 00
    34 ff ${h16(gtpLen)}  00 00 00 03  00 00 00 40   # GTP E, first extension 0x40
    ${ext.join(' ')}
    45 00 00 1c  00 03 00 00  40 01 00 00  0a 00 00 01  0a 00 00 02  08 00 f7 ff  00 00 00 00
  `);
}


const assertPlainUdp = (buf: Uint8Array, capLen = buf.length, anomalies: Record<string, number> = {}): void => assertOuterUdp(buf, 2152, 2152, capLen, anomalies);

test('GTP-U: a G-PDU carries the user IPv4 packet', () => {
  const { p, anomalies } = decode(GTP_IPV4);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.Gtp);
  assert.equal(p.tunnelDepth, 1);
  assertIpv4(p, '10.45.0.7', '8.8.8.8');
  assertTransport(p, 6, 49153, 443);
});

test('GTP-U: optional fields and a chain of extension headers, IPv6 user packet', () => {
  const { p, anomalies } = decode(GTP_EXTENSIONS_IPV6);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.Gtp);
  assertIpv6(p, '2001:db8:1::1', '2001:db8:2::2');
  assertTransport(p, 17, 4000, 4001);
  assert.equal(p.payloadLen, 4);
});

test('GTP-U: up to 8 extension headers are walked, more are not GTP-U sonde reads', () => {
  const ok = decode(gtpWithExtensions(8));
  assert.deepEqual(ok.anomalies, {});
  assert.equal(ok.p.tunnel, Tunnel.Gtp);
  assertIpv4(ok.p, '10.0.0.1', '10.0.0.2');
  const tooMany = decode(gtpWithExtensions(9));
  assert.deepEqual(tooMany.anomalies, {});
  assert.equal(tooMany.p.tunnel, Tunnel.None);
  assertIpv4(tooMany.p, '192.0.2.1', '192.0.2.2');
});

test('GTP-U: signalling messages and non-GTPv1 payloads on port 2152 stay plain UDP flows, without anomaly', () => {
  assertPlainUdp(GTP_ECHO);
  assertPlainUdp(withBytes(GTP_IPV4, GTP_OFFSET + 1, 0xfe)); // end marker
  assertPlainUdp(withBytes(GTP_IPV4, GTP_OFFSET + 1, 0x1a)); // error indication
  assertPlainUdp(withBytes(GTP_IPV4, GTP_OFFSET, 0x48)); // GTPv2 header
  assertPlainUdp(withBytes(GTP_IPV4, GTP_OFFSET, 0x10)); // GTPv0
  assertPlainUdp(withBytes(GTP_IPV4, GTP_OFFSET, 0x20)); // GTP' (PT = 0)
  assertPlainUdp(withBytes(GTP_IPV4, GTP_OFFSET + 8, 0x00)); // G-PDU that is not IP
  assertPlainUdp(withBytes(GTP_IPV4, GTP_OFFSET + 2, 0xff)); // length past the datagram
  assertPlainUdp(withBytes(GTP_EXTENSIONS_IPV6, GTP_OFFSET + 12, 0x00)); // extension of length 0
  assertPlainUdp(withBytes(GTP_EXTENSIONS_IPV6, GTP_OFFSET + 12, 0x20)); // extension past the GTP length
});

test('GTP-U: the GTP length trims what follows the user packet', () => {
  // one byte more in the datagram than the GTP length covers: the inner IPv4 still decodes cleanly
  const padded = new Uint8Array(GTP_IPV4.length + 1);
  padded.set(GTP_IPV4);
  padded[17] = 0x4d; // IPv4 total 77
  padded[39] = 0x39; // UDP length 57
  const until = decodeUntil(padded, Layer.Ipv4, 2); // the second IPv4 header: the user packet
  assert.equal(until.layer, Layer.Ipv4);
  assert.equal(until.p.off, GTP_OFFSET + 8);
  assert.equal(until.p.end, GTP_IPV4.length);
  const { p, anomalies } = decode(padded);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.Gtp);
  assertIpv4(p, '10.45.0.7', '8.8.8.8');
});

test('GTP-U: cut by the snap length → truncated_gtp, still the UDP flow', () => {
  assertPlainUdp(GTP_IPV4, GTP_OFFSET + 1, { truncated_gtp: 1 });
  assertPlainUdp(GTP_IPV4, GTP_OFFSET + 5, { truncated_gtp: 1 });
  assertPlainUdp(GTP_IPV4, GTP_OFFSET + 8, { truncated_gtp: 1 }); // no user packet captured
  assertPlainUdp(GTP_EXTENSIONS_IPV6, GTP_OFFSET + 10, { truncated_gtp: 1 }); // optional fields
  assertPlainUdp(GTP_EXTENSIONS_IPV6, GTP_OFFSET + 14, { truncated_gtp: 1 }); // extension header
  // a visible message type other than G-PDU: not counted
  assertPlainUdp(GTP_ECHO, GTP_OFFSET + 5, {});
  // GTPv2 flags: not counted
  assertPlainUdp(withBytes(GTP_IPV4, GTP_OFFSET, 0x48), GTP_OFFSET + 1, {});
});

test('GTP-U: fuzzed packets never throw nor read past the capture', () => {
  const r = fuzz([GTP_IPV4, GTP_EXTENSIONS_IPV6, GTP_ECHO, gtpWithExtensions(3)], 5000, 0x6790, Tunnel.Gtp);
  assert.ok(r.reachedTunnel > 500, `only ${r.reachedTunnel} fuzzed packets got through GTP-U`);
  assert.ok(r.withAnomaly > 100, `only ${r.withAnomaly} fuzzed packets raised an anomaly`);
});
