import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressKey, addressKeyOfText } from './naming.js';
import { parseIpv6 } from '../../flow/address.js';

// What DNS answers teach is keyed without formatting an address per flow: the key of an answer's
// text must be the key of the same address read from a flow's words.

const words6 = (text: string): number[] => {
  const v = new DataView(parseIpv6(text)!.buffer);
  return [v.getUint32(0), v.getUint32(4), v.getUint32(8), v.getUint32(12)];
};

test('an answer\'s address text and a flow\'s address words give one key', () => {
  assert.equal(addressKeyOfText('198.51.100.7'), addressKey(4, [0xc6336407], 0));
  assert.equal(addressKeyOfText('255.255.255.255'), addressKey(4, Uint32Array.of(0xffffffff), 0));
  for (const text of ['2001:db8::1', '2001:db8:0:0:0:0:0:1', '::ffff:192.0.2.1', '::', 'fe80::1:2:3:4', '2001:DB8::A']) {
    assert.equal(addressKeyOfText(text), addressKey(6, words6(text), 0), text);
  }
  assert.notEqual(addressKeyOfText('2001:db8::1'), addressKeyOfText('2001:db8::2'));
  assert.notEqual(addressKeyOfText('::ffff:192.0.2.1'), addressKeyOfText('192.0.2.1'), 'an IPv4-mapped IPv6 address is not the IPv4 address');
  assert.equal(addressKeyOfText('a.example'), null);
  assert.equal(addressKeyOfText('1.2.3'), null);
  assert.equal(addressKeyOfText('2001:::1'), null);
});
