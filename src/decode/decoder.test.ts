import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex } from '../wire/bytes.js';
import { AnomalyCounters } from './anomaly.js';
import { PacketDecoder } from './decoder.js';
import { Tunnel } from './layers.js';

const decode = (frame: Uint8Array, linkType = 1) =>
  new PacketDecoder(new AnomalyCounters()).decode(frame, 0, frame.length, frame.length, 0, linkType);

// Ethernet[IPv4 203.0.113.1 → 203.0.113.2 [UDP 40000 → 4789 [VXLAN[Ethernet[ARP]]]]]
const vxlanArp = hex(`
  02 00 00 00 00 0b  02 00 00 00 00 0a  08 00          # Ethernet, IPv4
  45 00 00 4e 00 01 00 00 40 11 00 00                  # IPv4, total 78, UDP
  cb 00 71 01  cb 00 71 02                             # 203.0.113.1 → 203.0.113.2
  9c 40 12 b5 00 3a 00 00                              # UDP 40000 → 4789, length 58
  08 00 00 00 00 00 2a 00                              # VXLAN, I flag, VNI 42
  ff ff ff ff ff ff  02 00 00 00 00 01  08 06          # inner Ethernet, ARP
  00 01 08 00 06 04 00 01 02 00 00 00 00 01 0a 00 00 01 00 00 00 00 00 00 0a 00 00 02
`);

test('a tunnel that carries no IP packet leaves the packet in the tunnel\'s own flow', () => {
  const p = decode(vxlanArp);
  assert.equal(p.ipVersion, 4);
  assert.equal(p.addr[0], 0xcb007101);
  assert.equal(p.addr[4], 0xcb007102);
  assert.equal(p.l4Proto, 17);
  assert.equal(p.sport, 40000);
  assert.equal(p.dport, 4789);
  assert.equal(p.tunnel, Tunnel.None);
});

// Ethernet[IPv4[UDP 5247 [CAPWAP T=1 WBID=1 [802.11 data, Cisco byte order [LLC/SNAP[IPv4[UDP 68 → 67]]]]]]]
const capwapCisco = hex(`
  02 00 00 00 00 0b  02 00 00 00 00 0a  08 00
  45 00 00 60 00 01 00 00 40 11 00 00  c0 a8 0a 0a  c0 a8 0a 09       # IPv4, total 96
  30 5c 14 7f 00 4c 00 00                                            # UDP 12380 → 5247, length 76
  00 10 03 00 00 00 00 00                                            # CAPWAP: HLEN 2, WBID 1, T
  01 08 00 00                                                        # FC swapped: flags ToDS, data
  ff ff ff ff ff ff  02 00 00 00 00 01  ff ff ff ff ff ff  00 00     # addresses, seq ctl
  aa aa 03 00 00 00 08 00                                            # LLC/SNAP → IPv4
  45 00 00 1c 00 01 00 00 40 11 00 00  00 00 00 00  ff ff ff ff       # IPv4 0.0.0.0 → broadcast
  00 44 00 43 00 08 00 00                                            # UDP 68 → 67
`);

test('CAPWAP 802.11 frames in Cisco byte order are read as Wireshark reads them', () => {
  const p = decode(capwapCisco);
  assert.equal(p.tunnel, Tunnel.Capwap);
  assert.equal(p.addr[4], 0xffffffff);
  assert.equal(p.sport, 68);
  assert.equal(p.dport, 67);
  // the same frame in standard order decodes too
  const standard = Uint8Array.from(capwapCisco);
  const fc = 14 + 20 + 8 + 8;
  standard[fc] = 0x08;
  standard[fc + 1] = 0x01;
  const q = decode(standard);
  assert.equal(q.tunnel, Tunnel.Capwap);
  assert.equal(q.dport, 67);
});
