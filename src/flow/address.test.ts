import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from './address.js';

test('IPv4 dotted quad', () => {
  assert.equal(formatIpv4(0xc0a80101), '192.168.1.1');
  assert.equal(formatIpv4(0xffffffff), '255.255.255.255');
  assert.equal(formatIpv4(0), '0.0.0.0');
});

test('IPv6 text per RFC 5952', () => {
  assert.equal(formatIpv6(0x20010db8, 0, 0, 1), '2001:db8::1');
  assert.equal(formatIpv6(0, 0, 0, 1), '::1');
  assert.equal(formatIpv6(0, 0, 0, 0), '::');
  assert.equal(formatIpv6(0xfe800000, 0, 0x020c29ff, 0xfe7ca4cb), 'fe80::20c:29ff:fe7c:a4cb');
  // the longest run of zeros is compressed, the first one on a tie; a single zero group is not
  assert.equal(formatIpv6(0x20010db8, 0x00000001, 0x00000000, 0x00010001), '2001:db8:0:1::1:1');
  assert.equal(formatIpv6(0x20010db8, 0x00010000, 0x00000001, 0x00010001), '2001:db8:1::1:1:1');
  assert.equal(formatIpv6(0x20010000, 0x00000001, 0x00000000, 0x00000001), '2001:0:0:1::1');
  assert.equal(formatIpv6(0, 0, 0xffff, 0xc0000201), '::ffff:192.0.2.1');
});

test('parseIpv4 and parseIpv6: every spelling RFC 4291 allows, and nothing else', () => {
  assert.equal(parseIpv4('192.0.2.1'), 0xc0000201);
  assert.equal(parseIpv4('255.255.255.255'), 0xffffffff);
  for (const bad of ['192.0.2', '192.0.2.256', '1.2.3.4.5', 'a.b.c.d', '01234.1.1.1', '']) assert.equal(parseIpv4(bad), null, bad);
  const hex = (t: string): string | null => {
    const b = parseIpv6(t);
    return b === null ? null : Buffer.from(b).toString('hex');
  };
  assert.equal(hex('2001:db8::1'), '20010db8000000000000000000000001');
  assert.equal(hex('2001:0DB8:0000:0000:0000:0000:0000:0001'), '20010db8000000000000000000000001');
  assert.equal(hex('::'), '0'.repeat(32));
  assert.equal(hex('::1'), '0'.repeat(31) + '1');
  assert.equal(hex('fe80::'), 'fe80' + '0'.repeat(28));
  assert.equal(hex('::ffff:192.0.2.1'), '00000000000000000000ffffc0000201');
  assert.equal(hex('64:ff9b::198.51.100.7'), '0064ff9b0000000000000000c6336407');
  assert.equal(hex('1:2:3:4:5:6:1.2.3.4'), '00010002000300040005000601020304');
  assert.equal(hex('fe80::1%eth0'), 'fe80' + '0'.repeat(27) + '1');
  for (const bad of ['1::2::3', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1', '::1.2.3.256', '1:2:3:4:5:6:7::8:9', '']) assert.equal(parseIpv6(bad), null, bad);
});
