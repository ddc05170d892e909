import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pseudonymizer } from './pseudonymizer.js';
import { CryptoPan } from './cryptopan.js';
import { formatIpv4 } from '../flow/address.js';
import { type AlertRecord } from '../detect/alert.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
const pan = new CryptoPan(KEY);
const v4 = (s: string): string => formatIpv4(pan.ipv4(s.split('.').reduce((a, b) => a * 256 + Number(b), 0)));

test('address(): IPv4 as Crypto-PAn maps it, IPv6 in canonical text, anything else unchanged', () => {
  const p = new Pseudonymizer(KEY);
  assert.equal(p.address('192.0.2.1'), v4('192.0.2.1'));
  const six = p.address('2001:db8::1');
  assert.match(six, /^[0-9a-f:]+$/);
  assert.notEqual(six, '2001:db8::1');
  assert.equal(p.address('2001:0db8:0000:0000:0000:0000:0000:0001'), six, 'one address, one pseudonym, whatever its spelling');
  // prefix kept: two addresses of one /64 stay in one /64
  assert.equal(p.address('2001:db8:1:2::a').split(':').slice(0, 4).join(':'), p.address('2001:db8:1:2::b').split(':').slice(0, 4).join(':'));
  assert.equal(p.address('www.example.com'), 'www.example.com');
  // a mapped address is an IPv6 address like any other: its dotted spelling names the same one
  assert.equal(p.address('::ffff:192.0.2.1'), p.address('0:0:0:0:0:ffff:c000:201'));
  assert.doesNotMatch(p.address('::ffff:192.0.2.1'), /192\.0\.2\.1/);
});

test('text(): every address and MAC literal inside free text, nothing else', () => {
  const p = new Pseudonymizer(KEY);
  assert.equal(p.text('for=192.0.2.1, 198.51.100.7'), `for=${v4('192.0.2.1')}, ${v4('198.51.100.7')}`);
  assert.equal(p.text('c=IN IP4 10.1.2.3'), `c=IN IP4 ${v4('10.1.2.3')}`);
  assert.equal(p.text('[2001:db8::1]:443'), `[${p.address('2001:db8::1')}]:443`);
  const mapped = p.text('::ffff:192.0.2.1');
  assert.ok(!mapped.includes('192.0.2.1'), mapped);
  assert.equal(p.text('::ffff:192.0.2.1'), p.address('::ffff:192.0.2.1'), 'the dotted end of a mapped address is mapped once, with the address');
  const mac = p.text('client 00:1a:2b:3c:4d:5e');
  assert.match(mac, /^client [0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
  assert.notEqual(mac, 'client 00:1a:2b:3c:4d:5e');
  assert.equal(p.text('00-1A-2B-3C-4D-5E').split('-').length, 6, 'the separator is kept');
  assert.equal(p.mac('00:1a:2b:3c:4d:5e'), p.mac('00-1A-2B-3C-4D-5E'), 'one MAC, one pseudonym');
  assert.equal(parseInt(p.mac('00:1a:2b:3c:4d:5e').slice(0, 2), 16) & 3, 2, 'unicast stays unicast, marked locally administered');
  assert.equal(parseInt(p.mac('01:00:5e:00:00:fb').slice(0, 2), 16) & 1, 1, 'multicast stays multicast');
  for (const kept of ['12:30:45', 'version 1.2.3', '1.2.3.4.5', 'a1.b2.example.com', 'TLSv1.3', 'ab:cd', 'h2', 'sha256:deadbeef', '2026-12-07T05:20:00.000Z', 'x 999.1.1.1']) {
    assert.equal(p.text(kept), kept);
  }
});

test('alert(): target, top sources and the evidence line', () => {
  const p = new Pseudonymizer(KEY);
  const a = { kind: 'syn_flood', target: '192.0.2.10', protocol: 'tcp', top_sources: ['198.51.100.1', '2001:db8::7'], evidence: '5,000 SYN/s to 192.0.2.10:80 from 120 sources' } as AlertRecord;
  const q = p.alert(a);
  assert.equal(q.target, v4('192.0.2.10'));
  assert.deepEqual(q.top_sources, [v4('198.51.100.1'), p.address('2001:db8::7')]);
  assert.equal(q.evidence, `5,000 SYN/s to ${v4('192.0.2.10')}:80 from 120 sources`);
  assert.equal(a.target, '192.0.2.10');
});
