import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';

const bootp = (type: number): Uint8Array => {
  const b = new Uint8Array(240);
  b.set(hex(`
    01 01 06 00   # op request, htype Ethernet, hlen 6, hops 0
    de ad be ef   # xid
  `));
  b.set(hex('63 82 53 63'), 236); // magic cookie
  return cat(b, hex(`
    35 01 ${type.toString(16).padStart(2, '0')}   # option 53 message type
    3c 08 4d 53 46 54 20 35 2e 30               # option 60 "MSFT 5.0"
    0c 05 61 6c 69 63 65                        # option 12 host name "alice" (not output)
    ff                                          # end
  `));
};

test('DHCP: message type and vendor class; the host name is not output', () => {
  const r = identify([{ dir: 0, payload: bootp(1) }], { transport: 'udp', clientPort: 68, serverPort: 67 });
  assert.equal(r['protocol'], 'DHCP');
  assert.deepEqual(r['dhcp'], { message_type: 'DISCOVER', vendor_class: 'MSFT 5.0' });
  assert.ok(!JSON.stringify(r).includes('alice'));
});

test('DHCP: no magic cookie, no DHCP; fuzz', () => {
  const bad = bootp(3);
  bad[236] = 0;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'udp', serverPort: 6767 })['dhcp'], null);
  fuzz(bootp(3), 'udp', 67);
});
