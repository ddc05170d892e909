import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Layer, Tunnel } from '../decode/layers.js';
import { MAX_TUNNEL_DEPTH } from '../decode/packet.js';
import { hex } from './bytes.js';
import { assertIpv4, assertIpv6, assertTransport, decode, decodeUntil, fuzz, withBytes } from '../test-support/tunnel-test-kit.js';

// Ethernet[IPv4[GRE 0x0800[IPv4[TCP 49153→443 SYN]]]]
const GRE_IPV4 = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00   # Ethernet, IPv4
  45 00 00 40  00 01 00 00  40 2f 00 00          # IPv4 total 64, GRE
  c0 00 02 01  c0 00 02 02                       # 192.0.2.1 → 192.0.2.2
  00 00 08 00                                    # GRE no flags, version 0, IPv4        (offset 34)
  45 00 00 28  00 02 00 00  40 06 00 00          # IPv4 total 40, TCP
  0a 01 01 01  0a 02 02 02                       # 10.1.1.1 → 10.2.2.2
  c0 01 01 bb  00 00 00 01  00 00 00 00  50 02 ff ff  00 00 00 00   # TCP 49153 → 443 SYN
`);
const GRE_OFFSET = 34;

// Ethernet[IPv4[GRE C K S 0x86dd[IPv6[UDP 4000→4001]]]]
const GRE_CKS_IPV6 = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00
  45 00 00 58  00 01 00 00  40 2f 00 00          # IPv4 total 88, GRE
  c0 00 02 01  c0 00 02 02
  b0 00 86 dd                                    # GRE checksum, key, sequence; IPv6
  00 00 00 00                                    # checksum, reserved
  00 00 00 2a                                    # key 42
  00 00 00 07                                    # sequence 7
  60 00 00 00  00 0c 11 40                       # IPv6 payload 12, UDP
  20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 01   # 2001:db8:1::1
  20 01 0d b8 00 02 00 00 00 00 00 00 00 00 00 02   # 2001:db8:2::2
  0f a0 0f a1  00 0c 00 00  01 02 03 04          # UDP 4000 → 4001, 4 bytes
`);

// Ethernet[802.1Q 7[IPv4[GRE K 0x6558[Ethernet[802.1Q 300[IPv4[ICMP echo]]]]]]]
const GRE_TEB_VLAN = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  81 00  00 07 08 00   # Ethernet, VLAN 7, IPv4
  45 00 00 4a  00 01 00 00  40 2f 00 00          # IPv4 total 74, GRE
  c0 00 02 01  c0 00 02 02
  20 00 65 58  00 00 00 01                       # GRE key 1, transparent Ethernet bridging
  02 00 00 00 00 04  02 00 00 00 00 03  81 00  01 2c 08 00   # Ethernet, VLAN 300, IPv4
  45 00 00 1c  00 03 00 00  40 01 00 00          # IPv4 total 28, ICMP
  0a 00 00 01  0a 00 00 02                       # 10.0.0.1 → 10.0.0.2
  08 00 f7 ff  00 00 00 00                       # ICMP echo request
`);

// Ethernet[IPv4[GRE S 0x88be[ERSPAN II[Ethernet[IPv4[UDP 40000→9]]]]]]
const ERSPAN2 = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00
  45 00 00 52  00 01 00 00  40 2f 00 00          # IPv4 total 82, GRE
  c0 00 02 01  c0 00 02 02
  10 00 88 be  00 00 00 05                       # GRE sequence 5, ERSPAN
  10 64 00 01  00 00 00 00                       # ERSPAN ver 1 (type II), VLAN 100, session 1   (offset 42)
  02 00 00 00 00 04  02 00 00 00 00 03  08 00   # mirrored Ethernet frame, IPv4
  45 00 00 20  00 02 00 00  40 11 00 00          # IPv4 total 32, UDP
  c6 33 64 01  c6 33 64 02                       # 198.51.100.1 → 198.51.100.2
  9c 40 00 09  00 0c 00 00  de ad be ef          # UDP 40000 → 9
`);
const ERSPAN2_OFFSET = 42;

// Ethernet[IPv4[GRE S 0x22eb[ERSPAN III + platform sub-header[Ethernet[IPv6[TCP 49153→80]]]]]]
const ERSPAN3_O = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00
  45 00 00 7a  00 01 00 00  40 2f 00 00          # IPv4 total 122, GRE
  c0 00 02 01  c0 00 02 02
  10 00 22 eb  00 00 00 09                       # GRE sequence 9, ERSPAN type III
  20 64 00 02  12 34 56 78                       # ERSPAN ver 2, VLAN 100, session 2; timestamp   (offset 42)
  00 00 00 01                                    # SGT 0, P 0, FT 0 (Ethernet), hw id 0, O=1
  08 00 00 00  00 00 00 00                       # platform-specific sub-header (platform id 1)
  02 00 00 00 00 04  02 00 00 00 00 03  86 dd   # mirrored Ethernet frame, IPv6
  60 00 00 00  00 14 06 40                       # IPv6 payload 20, TCP
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 0a   # 2001:db8::a
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 0b   # 2001:db8::b
  c0 01 00 50  00 00 00 01  00 00 00 00  50 02 ff ff  00 00 00 00   # TCP 49153 → 80 SYN
`);
const ERSPAN3_OFFSET = 42;

// Ethernet[IPv4[GRE 0x88be without sequence = ERSPAN type I[Ethernet[IPv4[ICMP echo]]]]]
const ERSPAN1 = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00
  45 00 00 42  00 01 00 00  40 2f 00 00          # IPv4 total 66, GRE
  c0 00 02 01  c0 00 02 02
  00 00 88 be                                    # GRE no flags, ERSPAN: type I, no ERSPAN header
  02 00 00 00 00 04  02 00 00 00 00 03  08 00   # mirrored Ethernet frame, IPv4
  45 00 00 1c  00 03 00 00  40 01 00 00  0a 00 00 01  0a 00 00 02
  08 00 f7 ff  00 00 00 00
`);

// Ethernet[IPv4[GRE v1 (PPTP) K S A 0x880b[PPP ff 03 0x0021[IPv4[UDP 5060→5060]]] + 2 bytes after the payload]]
const PPTP_GRE = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00
  45 00 00 4a  00 01 00 00  40 2f 00 00          # IPv4 total 74, GRE
  c0 00 02 01  c0 00 02 02
  30 81 88 0b                                    # GRE key, sequence, ack, version 1; PPP
  00 24 98 50                                    # payload length 36, call id 38992
  00 00 00 6a  00 00 00 8c                       # sequence 106, ack 140
  ff 03 00 21                                    # PPP address, control, IPv4         (offset 50)
  45 00 00 20  00 02 00 00  40 11 00 00          # IPv4 total 32, UDP
  c0 a8 0a d2  c0 a8 67 28                       # 192.168.10.210 → 192.168.103.40
  13 c4 13 c4  00 0c 00 00  53 49 50 2f          # UDP 5060 → 5060
  00 00                                          # beyond the GRE payload length
`);
const PPTP_PPP_OFFSET = 50;

// Ethernet[IPv4[GRE v1 K A, acknowledgement only]]
const PPTP_ACK_ONLY = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00
  45 00 00 20  00 01 00 00  40 2f 00 00          # IPv4 total 32, GRE
  c0 00 02 01  c0 00 02 02
  20 81 88 0b  00 00 98 50  00 00 00 8c          # GRE key, ack, version 1; payload 0, call id, ack 140
`);

// Ethernet[IPv4[GRE R (RFC 1701 source route) 0x0800[IPv4[ICMP echo]]]]
const GRE_ROUTING = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00
  45 00 00 48  00 01 00 00  40 2f 00 00          # IPv4 total 72, GRE
  c0 00 02 01  c0 00 02 02
  40 00 08 00                                    # GRE routing present, IPv4
  00 00 00 00                                    # checksum, offset (present with R)
  08 00 00 08  c0 00 02 63  c0 00 02 64          # SRE: IPv4, offset 0, length 8, two hops
  00 00 00 00                                    # null SRE
  45 00 00 1c  00 03 00 00  40 01 00 00  0a 00 00 01  0a 00 00 02
  08 00 f7 ff  00 00 00 00
`);


/** the packet stays the outer GRE "flow" (protocol 47, no ports) */
function assertOuterGre(buf: Uint8Array, capLen: number, anomalies: Record<string, number>): void {
  const r = decode(buf, capLen);
  assert.deepEqual(r.anomalies, anomalies);
  assert.equal(r.p.tunnel, Tunnel.None);
  assertIpv4(r.p, '192.0.2.1', '192.0.2.2');
  assert.equal(r.p.l4Proto, 47);
}

test('GRE: plain IPv4 inside, flow keyed on the inner header', () => {
  const { p, anomalies } = decode(GRE_IPV4);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.Gre);
  assert.equal(p.tunnelDepth, 1);
  assertIpv4(p, '10.1.1.1', '10.2.2.2');
  assertTransport(p, 6, 49153, 443);
  assert.equal(p.tcpFlags, 0x02);
});

test('GRE: checksum, key and sequence fields are skipped; IPv6 inside', () => {
  const { p, anomalies } = decode(GRE_CKS_IPV6);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.Gre);
  assertIpv6(p, '2001:db8:1::1', '2001:db8:2::2');
  assertTransport(p, 17, 4000, 4001);
  assert.equal(p.payloadLen, 4);
});

test('GRE: transparent Ethernet bridging (0x6558); the inner VLAN tag wins', () => {
  const { p, anomalies } = decode(GRE_TEB_VLAN);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.Gre);
  assert.equal(p.vlan, 300);
  assertIpv4(p, '10.0.0.1', '10.0.0.2');
  assert.equal(p.l4Proto, 1);
});

test('GRE: RFC 1701 source route entries are walked to the null entry', () => {
  const { p, anomalies } = decode(GRE_ROUTING);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.Gre);
  assertIpv4(p, '10.0.0.1', '10.0.0.2');
  // capture cut before the null SRE
  assertOuterGre(GRE_ROUTING, GRE_OFFSET + 20, { truncated_gre: 1 });
  // the null SRE turned into an IPv4 one of length 0: the walk runs on into the inner packet and off its end
  assertOuterGre(withBytes(GRE_ROUTING, GRE_OFFSET + 20, 0x08), GRE_ROUTING.length, { truncated_gre: 1 });
  // an SRE whose length runs past the packet
  assertOuterGre(withBytes(GRE_ROUTING, GRE_OFFSET + 8 + 3, 0xf0), GRE_ROUTING.length, { truncated_gre: 1 });
});

test('ERSPAN type II: tunnel kind ERSPAN, its VLAN field is not a tag on the packet', () => {
  const { p, anomalies } = decode(ERSPAN2);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.Erspan);
  assert.equal(p.tunnelDepth, 1);
  assert.equal(p.vlan, -1);
  assertIpv4(p, '198.51.100.1', '198.51.100.2');
  assertTransport(p, 17, 40000, 9);
});

test('ERSPAN type III with the optional platform sub-header', () => {
  const { p, anomalies } = decode(ERSPAN3_O);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.Erspan);
  assertIpv6(p, '2001:db8::a', '2001:db8::b');
  assertTransport(p, 6, 49153, 80);
  // without the O bit the sub-header would be read as the Ethernet frame: the inner IPv6 is lost
  const noO = decode(withBytes(ERSPAN3_O, ERSPAN3_OFFSET + 11, 0x00));
  assert.notEqual(noO.p.ipVersion, 6);
});

test('ERSPAN type I: GRE 0x88be without a sequence number carries the frame directly', () => {
  const { p, anomalies } = decode(ERSPAN1);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.Erspan);
  assertIpv4(p, '10.0.0.1', '10.0.0.2');
});

test('PPTP enhanced GRE (version 1): hands PPP to the PPP decoder, trimmed to the payload length', () => {
  const until = decodeUntil(PPTP_GRE, Layer.Ppp);
  assert.equal(until.layer, Layer.Ppp);
  assert.deepEqual(until.anomalies, {});
  assert.equal(until.p.off, PPTP_PPP_OFFSET);
  assert.equal(until.p.end, PPTP_PPP_OFFSET + 36);
  assert.equal(until.p.tunnel, Tunnel.Gre);
  assert.equal(until.p.ipVersion, 0); // the outer header is no longer the flow's

  const { p, anomalies } = decode(PPTP_GRE);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.Gre);
  assertIpv4(p, '192.168.10.210', '192.168.103.40');
  assertTransport(p, 17, 5060, 5060);
});

test('PPTP enhanced GRE: an acknowledgement without payload stays the outer GRE flow', () => {
  assertOuterGre(PPTP_ACK_ONLY, PPTP_ACK_ONLY.length, {});
});

test('GRE: unknown versions and malformed enhanced GRE → unsupported_gre_version', () => {
  assertOuterGre(withBytes(GRE_IPV4, GRE_OFFSET + 1, 0x02), GRE_IPV4.length, { unsupported_gre_version: 1 });
  assertOuterGre(withBytes(GRE_IPV4, GRE_OFFSET + 1, 0x07), GRE_IPV4.length, { unsupported_gre_version: 1 });
  // version 1 must carry PPP
  assertOuterGre(withBytes(GRE_IPV4, GRE_OFFSET + 1, 0x01), GRE_IPV4.length, { unsupported_gre_version: 1 });
  // version 1 without the key field
  assertOuterGre(withBytes(PPTP_GRE, GRE_OFFSET, 0x10), PPTP_GRE.length, { unsupported_gre_version: 1 });
});

test('GRE: a protocol type sonde does not decode ends the stack quietly', () => {
  const wccp = withBytes(withBytes(GRE_IPV4, GRE_OFFSET + 2, 0x88), GRE_OFFSET + 3, 0x3e);
  assertOuterGre(wccp, wccp.length, {});
});

test('GRE / ERSPAN: truncated headers', () => {
  // inside the GRE optional fields
  assertOuterGre(GRE_CKS_IPV6, GRE_OFFSET + 10, { truncated_gre: 1 });
  // inside the 4-byte base header
  assertOuterGre(GRE_IPV4, GRE_OFFSET + 3, { truncated_gre: 1 });
  // cut right after the GRE header: no inner packet captured
  assertOuterGre(GRE_IPV4, GRE_OFFSET + 4, { truncated_gre: 1 });
  // inside the enhanced GRE sequence/ack fields
  assertOuterGre(PPTP_GRE, GRE_OFFSET + 12, { truncated_gre: 1 });
  // inside the ERSPAN II header; ERSPAN was not entered
  assertOuterGre(ERSPAN2, ERSPAN2_OFFSET + 5, { truncated_erspan: 1 });
  // after the ERSPAN header, before the mirrored frame
  assertOuterGre(ERSPAN2, ERSPAN2_OFFSET + 8, { truncated_erspan: 1 });
  // inside ERSPAN III's platform sub-header
  assertOuterGre(ERSPAN3_O, ERSPAN3_OFFSET + 16, { truncated_erspan: 1 });
  assertOuterGre(ERSPAN3_O, ERSPAN3_OFFSET + 10, { truncated_erspan: 1 });
});

const ICMP_10_0_0_1 = hex(`45 00 00 1c  00 03 00 00  40 01 00 00  0a 00 00 01  0a 00 00 02  08 00 f7 ff  00 00 00 00`);

/** Ethernet[IPv4[GRE[…`levels` deep…[`innermost` (an IPv4 packet)]]]] */
function nestedGre(levels: number, innermost: Uint8Array = ICMP_10_0_0_1): Uint8Array {
  let ip = innermost;
  for (let i = 0; i < levels; i++) {
    const total = (20 + 4 + ip.length).toString(16).padStart(4, '0');
    const outer = hex(`45 00 ${total}  00 01 00 00  40 2f 00 00  c0 00 02 01  c0 00 02 02   00 00 08 00`);
    const next = new Uint8Array(outer.length + ip.length);
    next.set(outer);
    next.set(ip, outer.length);
    ip = next;
  }
  const frame = new Uint8Array(14 + ip.length);
  frame.set(hex(`02 00 00 00 00 02  02 00 00 00 00 01  08 00`));
  frame.set(ip, 14);
  return frame;
}

test(`GRE: ${MAX_TUNNEL_DEPTH} nested tunnels decode, one more is tunnel_too_deep`, () => {
  const ok = decode(nestedGre(MAX_TUNNEL_DEPTH));
  assert.deepEqual(ok.anomalies, {});
  assert.equal(ok.p.tunnelDepth, MAX_TUNNEL_DEPTH);
  assertIpv4(ok.p, '10.0.0.1', '10.0.0.2');
  const deep = decode(nestedGre(MAX_TUNNEL_DEPTH + 1));
  assert.deepEqual(deep.anomalies, { tunnel_too_deep: 1 });
  assert.equal(deep.p.tunnelDepth, MAX_TUNNEL_DEPTH);
  assertIpv4(deep.p, '192.0.2.1', '192.0.2.2'); // the last header sonde went through, not the innermost

  // ERSPAN counts as one more level; the flow keeps the outermost kind
  const erspanIp = ERSPAN2.subarray(14);
  const erspanOk = decode(nestedGre(MAX_TUNNEL_DEPTH - 1, erspanIp));
  assert.deepEqual(erspanOk.anomalies, {});
  assert.equal(erspanOk.p.tunnel, Tunnel.Gre);
  assert.equal(erspanOk.p.tunnelDepth, MAX_TUNNEL_DEPTH);
  assertIpv4(erspanOk.p, '198.51.100.1', '198.51.100.2');
  const erspanDeep = decode(nestedGre(MAX_TUNNEL_DEPTH, erspanIp));
  assert.deepEqual(erspanDeep.anomalies, { tunnel_too_deep: 1 });
  assertIpv4(erspanDeep.p, '192.0.2.1', '192.0.2.2');
});

test('GRE / ERSPAN: fuzzed packets never throw nor read past the capture', () => {
  const seeds = [GRE_IPV4, GRE_CKS_IPV6, GRE_TEB_VLAN, GRE_ROUTING, PPTP_GRE, PPTP_ACK_ONLY, nestedGre(2)];
  const gre = fuzz(seeds, 5000, 0x6e7e, Tunnel.Gre);
  assert.ok(gre.reachedTunnel > 500, `only ${gre.reachedTunnel} fuzzed packets got through GRE`);
  const erspan = fuzz([ERSPAN1, ERSPAN2, ERSPAN3_O], 4000, 0xe125, Tunnel.Erspan);
  assert.ok(erspan.reachedTunnel > 400, `only ${erspan.reachedTunnel} fuzzed packets got through ERSPAN`);
  assert.ok(gre.withAnomaly + erspan.withAnomaly > 200);
});
