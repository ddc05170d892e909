import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';

// BER by hand (X.690 §8.1): tag, definite length (short form below 128, else 0x81/0x82 long
// form), content; `long4` forces the 4-byte long form Active Directory uses.
function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = cat(...content);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return cat(Uint8Array.of(tag, ...len), body);
}
function long4(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = cat(...content);
  const n = body.length;
  return cat(Uint8Array.of(tag, 0x84, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff), body);
}
const int = (v: number): Uint8Array => tlv(0x02, Uint8Array.of(v));
const octets = (s: string): Uint8Array => tlv(0x04, utf8(s));
const enumerated = (v: number): Uint8Array => tlv(0x0a, Uint8Array.of(v));
const message = (id: number, op: Uint8Array, ...rest: Uint8Array[]): Uint8Array => tlv(0x30, int(id), op, ...rest);

// BindRequest [APPLICATION 0] { version, name, simple [0] }
const bindV3 = message(1, tlv(0x60, int(3), octets('cn=x'), tlv(0x80, utf8('pw'))));
const bindV2 = message(1, tlv(0x60, int(2), octets(''), tlv(0x80)));
// SASL bind [3] { mechanism } in AD's 4-byte long form
const bindSaslLong = long4(0x30, long4(0x02, Uint8Array.of(5)), long4(0x60, int(3), octets(''), tlv(0xa3, octets('GSS-SPNEGO'))));
const bindResponse = message(1, tlv(0x61, enumerated(0), octets(''), octets('')));
// SearchRequest for the root DSE: base "", scope base, neverDerefAliases, 0, 0, FALSE, (objectClass=*), attrs
const searchRootDse = message(2, tlv(0x63, octets(''), enumerated(0), enumerated(0), int(0), int(0), tlv(0x01, Uint8Array.of(0)), tlv(0x87, utf8('objectClass')), tlv(0x30, octets('namingContexts'))));
const searchEntry = message(2, tlv(0x64, octets(''), tlv(0x30, tlv(0x30, octets('namingContexts'), tlv(0x31, octets('dc=example'))))));
const searchDone = message(2, tlv(0x65, enumerated(0), octets(''), octets('')));
const unbind = message(3, hex('42 00'));
const startTls = message(1, tlv(0x77, tlv(0x80, utf8('1.3.6.1.4.1.1466.20037'))));
const startTlsOk = message(1, tlv(0x78, enumerated(0), octets(''), octets('')));
const clientHello = hex('16 03 01 00 05 01 00 00 01 00');

const tcp389 = { transport: 'tcp', serverPort: 389 } as const;

test('LDAP BindRequest v3 and v2', () => {
  const r = identify([{ dir: 0, payload: bindV3 }, { dir: 1, payload: bindResponse }], tcp389);
  assert.equal(r['protocol'], 'LDAP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['ldap'], { operation: 'bind_request', version: 3 });
  assert.deepEqual(identify([{ dir: 0, payload: bindV2 }], tcp389)['ldap'], { operation: 'bind_request', version: 2 });
});

test('LDAP long-form lengths (4-byte, as Active Directory sends) on the global catalog port', () => {
  const r = identify([{ dir: 0, payload: bindSaslLong }], { transport: 'tcp', serverPort: 3268 });
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['ldap'], { operation: 'bind_request', version: 3 });
  // and a message over 127 bytes in the 0x81 form, on a port that is not LDAP's
  const big = message(4, tlv(0x63, octets('dc=' + 'a'.repeat(150)), enumerated(2), enumerated(3), int(0), int(0), tlv(0x01, Uint8Array.of(0)), tlv(0xa0, tlv(0x87, utf8('cn'))), tlv(0x30)));
  assert.equal(big[1], 0x81);
  const r2 = identify([{ dir: 0, payload: big }], { transport: 'tcp', serverPort: 10389 });
  assert.equal(r2['protocol'], 'LDAP');
  assert.deepEqual(r2['ldap'], { operation: 'search_request' });
});

test('LDAP SearchRequest, UnbindRequest, other operations', () => {
  assert.deepEqual(identify([{ dir: 0, payload: searchRootDse }, { dir: 1, payload: cat(searchEntry, searchDone) }], tcp389)['ldap'], { operation: 'search_request' });
  assert.deepEqual(identify([{ dir: 0, payload: unbind }], tcp389)['ldap'], { operation: 'unbind_request' });
  const abandon = message(5, hex('50 01 03'));
  const del = message(6, tlv(0x4a, utf8('cn=x')));
  const modify = message(7, tlv(0x66, octets('cn=x'), tlv(0x30)));
  const add = message(8, tlv(0x68, octets('cn=x'), tlv(0x30)));
  const moddn = message(9, tlv(0x6c, octets('cn=x'), octets('cn=y'), tlv(0x01, Uint8Array.of(0xff))));
  const compare = message(10, tlv(0x6e, octets('cn=x'), tlv(0x30, octets('a'), octets('b'))));
  const names = [[abandon, 'abandon_request'], [del, 'delete_request'], [modify, 'modify_request'], [add, 'add_request'], [moddn, 'modify_dn_request'], [compare, 'compare_request']] as const;
  for (const [m, op] of names) assert.deepEqual(identify([{ dir: 0, payload: m }], tcp389)['ldap'], { operation: op });
  // with a controls [0] element after the operation
  const withControls = message(11, tlv(0x63, octets(''), enumerated(0), enumerated(0), int(0), int(0), tlv(0x01, Uint8Array.of(0)), tlv(0x87, utf8('cn')), tlv(0x30)), tlv(0xa0, tlv(0x30, octets('1.2.840.113556.1.4.319'))));
  assert.deepEqual(identify([{ dir: 0, payload: withControls }], tcp389)['ldap'], { operation: 'search_request' });
});

test('LDAP StartTLS: the ExtendedResponse success hands the flow to TLS', () => {
  const r = identify([{ dir: 0, payload: startTls }, { dir: 1, payload: startTlsOk }, { dir: 0, payload: clientHello }], tcp389);
  assert.equal(r['protocol'], 'LDAP');
  assert.deepEqual(r['ldap'], { operation: 'extended_request', starttls: true });
  const refused = message(1, tlv(0x78, enumerated(2), octets(''), octets('')));
  assert.deepEqual(identify([{ dir: 0, payload: startTls }, { dir: 1, payload: refused }], tcp389)['ldap'], { operation: 'extended_request' });
});

test('LDAP server first: a capture that starts with the answers', () => {
  assert.deepEqual(identify([{ dir: 1, payload: bindResponse }, { dir: 0, payload: searchRootDse }], tcp389)['ldap'], { operation: 'bind_response' });
  assert.deepEqual(identify([{ dir: 1, payload: searchEntry }], tcp389)['ldap'], { operation: 'search_result_entry' });
  assert.deepEqual(identify([{ dir: 1, payload: searchDone }], { transport: 'tcp', serverPort: 3268, handshake: false })['ldap'], { operation: 'search_result_done' });
});

test('LDAP split segments: 1-byte and 3-byte pieces', () => {
  const pieces = (m: Uint8Array, size: number) => {
    const out = [];
    for (let i = 0; i < m.length; i += size) out.push({ dir: 0 as const, payload: m.subarray(i, i + size) });
    return out;
  };
  // the engine's budget is in packets: each case is decided within its first dozen pieces
  for (const [m, size, op] of [[unbind, 1, 'unbind_request'], [bindV2, 1, 'bind_request'], [searchRootDse, 3, 'search_request']] as const) {
    const r = identify(pieces(m, size), tcp389);
    assert.equal(r['confidence'], 'dpi', `${op} in pieces of ${size}`);
    assert.equal((r['ldap'] as Record<string, unknown>)['operation'], op);
  }
  const halves = [{ dir: 0 as const, payload: bindV3.subarray(0, 5) }, { dir: 0 as const, payload: bindV3.subarray(5) }];
  assert.deepEqual(identify(halves, tcp389)['ldap'], { operation: 'bind_request', version: 3 });
});

test('CLDAP over UDP: an LDAP ping, its answer, and RFC 1798 forms', () => {
  const udp389 = { transport: 'udp', serverPort: 389 } as const;
  const ping = message(0x1a, tlv(0x63, octets(''), enumerated(0), enumerated(0), int(0), int(0), tlv(0x01, Uint8Array.of(0)),
    tlv(0xa0, tlv(0xa3, octets('DnsDomain'), octets('example.com')), tlv(0xa3, octets('NtVer'), octets('\x06\x00\x00\x00'))), tlv(0x30, octets('Netlogon'))));
  const r = identify([{ dir: 0, payload: ping }, { dir: 1, payload: cat(searchEntry, searchDone) }], udp389);
  assert.equal(r['protocol'], 'LDAP');
  assert.deepEqual(r['ldap'], { operation: 'search_request' });
  assert.deepEqual(identify([{ dir: 1, payload: cat(searchEntry, searchDone) }], udp389)['ldap'], { operation: 'search_result_entry' });
  // RFC 1798: the user DN before the operation; the answer wraps entry and result in a SEQUENCE
  const rfc1798Request = tlv(0x30, int(7), octets(''), tlv(0x63, octets(''), enumerated(0), enumerated(0), int(0), int(0), tlv(0x01, Uint8Array.of(0)), tlv(0x87, utf8('objectClass')), tlv(0x30)));
  assert.deepEqual(identify([{ dir: 0, payload: rfc1798Request }], udp389)['ldap'], { operation: 'search_request' });
  const rfc1798Answer = tlv(0x30, int(7), tlv(0x30, tlv(0x64, octets(''), tlv(0x30)), tlv(0x65, enumerated(0), octets(''), octets(''))));
  assert.deepEqual(identify([{ dir: 1, payload: rfc1798Answer }], udp389)['ldap'], { operation: 'search_result_entry' });
  // a truncated datagram is not CLDAP
  assert.ok(notByDpi(identify([{ dir: 0, payload: ping.subarray(0, 20) }], udp389), 'LDAP'));
});

test('LDAP: look-alikes and broken messages are refused', () => {
  const others = [
    utf8('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'),
    hex('16 03 01 00 2f 01 00 00 2b 03 03') ,
    utf8('SSH-2.0-OpenSSH_9.6\r\n'),
    hex('8f 3a 11 c2 99 04 7e 5b 01 fe 33 20 6c d0 aa 19'),
    // SNMP v2c get-request: 30 .. 02 01 01 04 "public" a0 ..
    hex('30 19 02 01 01 04 06 70 75 62 6c 69 63 a0 0c 02 02 12 34 02 01 00 02 01 00 30 00'),
  ];
  for (const p of others) {
    assert.ok(notByDpi(identify([{ dir: 0, payload: p }], tcp389), 'LDAP'));
    assert.ok(notByDpi(identify([{ dir: 0, payload: p }], { transport: 'udp', serverPort: 389 }), 'LDAP'));
  }
  // truncated header: the SEQUENCE and part of the messageID, nothing more
  assert.ok(notByDpi(identify([{ dir: 0, payload: bindV3.subarray(0, 3) }], tcp389), 'LDAP'));
  // bind version 4 does not exist
  const v4 = Uint8Array.from(bindV3);
  v4[7] = 4;
  assert.ok(notByDpi(identify([{ dir: 0, payload: v4 }], tcp389), 'LDAP'));
  // a SEQUENCE length that does not match its content (an extra byte after the operation)
  const longer = cat(Uint8Array.of(0x30, bindV3[1]! + 1), bindV3.subarray(2), Uint8Array.of(0x00));
  assert.ok(notByDpi(identify([{ dir: 0, payload: longer }], tcp389), 'LDAP'));
  // an operation longer than its message
  const overrun = Uint8Array.from(searchDone);
  overrun[5] += 1;
  assert.ok(notByDpi(identify([{ dir: 1, payload: overrun }], tcp389), 'LDAP'));
  // indefinite length is excluded by RFC 4511 §5.1
  assert.ok(notByDpi(identify([{ dir: 0, payload: cat(hex('30 80'), bindV3.subarray(2), hex('00 00')) }], tcp389), 'LDAP'));
  // negative messageID; unknown resultCode; a request tag not defined
  assert.ok(notByDpi(identify([{ dir: 0, payload: message(0xff, tlv(0x60, int(3), octets(''), tlv(0x80))) }], tcp389), 'LDAP'));
  assert.ok(notByDpi(identify([{ dir: 1, payload: message(1, tlv(0x61, enumerated(99), octets(''), octets(''))) }], tcp389), 'LDAP'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: message(1, tlv(0x7a, octets(''))) }], tcp389), 'LDAP'));
});

test('LDAP fuzz', () => {
  fuzz(bindV3, 'tcp', 389);
  fuzz(searchRootDse, 'udp', 389);
  fuzz(searchEntry, 'tcp', 389, 1);
});
