import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex } from '../wire/bytes.js';
import { FlowAddressHasher } from './address-hash.js';

// The hash that --workers shares packets out by: both directions, every fragment and every
// tunnelled packet of a flow must reach one worker.

const ethernet = (type: string): string => `02 00 00 00 00 0b  02 00 00 00 00 0a  ${type}`;
/** IPv4 (fragment field `frag`) carrying UDP 40000 → `dport` and `payload` */
const ipv4 = (src: string, dst: string, frag = '00 00', payload = '', dport = '00 35'): string => {
  const udpLen = 8 + hex(payload).length;
  const total = (20 + udpLen).toString(16).padStart(4, '0');
  return `45 00 ${total.slice(0, 2)} ${total.slice(2)} 00 01 ${frag} 40 11 00 00 ${src} ${dst} 9c 40 ${dport} 00 ${udpLen.toString(16).padStart(2, '0')} 00 00 ${payload}`;
};
const frame = (body: string, type = '08 00'): Uint8Array => hex(`${ethernet(type)} ${body}`);
const hasher = new FlowAddressHasher();
const hashOf = (f: Uint8Array, linkType = 1, wireLen = f.length): number => hasher.hash(f, 0, f.length, wireLen, linkType);

const CLIENT = 'c0 00 02 0a';
const SERVER = 'c6 33 64 01';

test('the same both ways and for every fragment of a datagram; another for other address pairs', () => {
  const there = hashOf(frame(ipv4(CLIENT, SERVER)));
  assert.ok(Number.isInteger(there) && there >= 0 && there <= 0xffffffff);
  assert.equal(hashOf(frame(ipv4(SERVER, CLIENT))), there, 'the reply');
  assert.equal(hashOf(frame(ipv4(CLIENT, SERVER, '20 00'))), there, 'a first fragment');
  assert.equal(hashOf(frame(ipv4(CLIENT, SERVER, '00 b9'))), there, 'the last fragment, with no UDP header');
  assert.notEqual(hashOf(frame(ipv4(CLIENT, 'c6 33 64 02'))), there);
  assert.notEqual(hashOf(frame(ipv4('c0 00 02 0b', SERVER))), there);
  assert.equal(hashOf(frame(`00 64 08 00 ${ipv4(CLIENT, SERVER)}`, '81 00')), there, 'behind a VLAN tag');
  assert.equal(hashOf(hex(ipv4(CLIENT, SERVER)), 101), there, 'raw IP (LINKTYPE_RAW)');
});

test('a tunnel goes by its inner flow\'s addresses, as the flow does; by its own when it holds no IP packet', () => {
  const outerA = 'cb 00 71 01';
  const outerB = 'cb 00 71 02';
  const vxlan = (inner: string): Uint8Array => frame(ipv4(outerA, outerB, '00 00', `08 00 00 00 00 00 2a 00 ${ethernet(inner.startsWith('45') ? '08 00' : '08 06')} ${inner}`, '12 b5'));
  const inner = hashOf(frame(ipv4(CLIENT, SERVER)));
  assert.equal(hashOf(vxlan(ipv4(CLIENT, SERVER))), inner);
  assert.equal(hashOf(vxlan(ipv4(SERVER, CLIENT))), inner);
  const innerIp = ipv4(SERVER, CLIENT);
  const total = (20 + hex(innerIp).length).toString(16).padStart(4, '0');
  assert.equal(hashOf(frame(`45 00 ${total.slice(0, 2)} ${total.slice(2)} 00 01 00 00 40 04 00 00 ${outerB} ${outerA} ${innerIp}`)), inner, 'IP in IP');
  const arp = '00 01 08 00 06 04 00 01 02 00 00 00 00 01 0a 00 00 01 00 00 00 00 00 00 0a 00 00 02';
  assert.equal(hashOf(vxlan(arp)), hashOf(frame(ipv4(outerA, outerB))), 'ARP in VXLAN: the tunnel\'s own flow');
});

test('IPv6 both ways; -1 for records without an IP packet', () => {
  const v6 = (src: string, dst: string): Uint8Array => frame(`60 00 00 00 00 08 11 40 ${src} ${dst} 9c 40 00 35 00 08 00 00`, '86 dd');
  const a = '20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01';
  const b = '20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02';
  const there = hashOf(v6(a, b));
  assert.ok(there >= 0);
  assert.equal(hashOf(v6(b, a)), there);
  assert.notEqual(hashOf(v6(a, a)), there);
  const whole = frame(ipv4(CLIENT, SERVER));
  assert.equal(hashOf(whole.subarray(0, 14 + 19)), -1, 'an IPv4 header cut short');
  assert.equal(hashOf(whole.subarray(0, 34), 1, whole.length), hashOf(whole), 'a snap-length cut after the IP header keeps its flow');
  assert.equal(hashOf(frame('00 01 08 00 06 04 00 01', '08 06')), -1, 'ARP');
  assert.equal(hashOf(frame(ipv4(CLIENT, SERVER).replace(/^45/, '65'))), -1, 'version 6 behind the IPv4 EtherType');
  assert.equal(hashOf(new Uint8Array(3)), -1, 'less than a link header');
  assert.equal(hashOf(new Uint8Array(40), 9999), -1, 'a link type without a decoder');
});
