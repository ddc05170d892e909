import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpv4, formatIpv6 } from './address.js';

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
