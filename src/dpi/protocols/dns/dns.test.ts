import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFrames, conversationFrames, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';
import { dgaLabel, suspiciousQuery } from './checks.js';
import { parseDns, readName } from './parser.js';
import { ethernet, fragmentIpv4, ipv4, udp } from '../../../test-support/packet-builder.js';

// A query for www.example.com A (RFC 1035 §4.1)
const QUERY = hex(`
  1234        # ID
  0100        # flags: QR=0 opcode=QUERY RD=1
  0001 0000 0000 0000   # QDCOUNT=1 AN=0 NS=0 AR=0
  03 777777 07 6578616d706c65 03 636f6d 00   # www.example.com
  0001 0001   # QTYPE=A QCLASS=IN
`);

// Its response: a CNAME to cdn.example.net then an A and an AAAA record, names compressed
const RESPONSE = hex(`
  1234 8180 0001 0003 0000 0000   # QR=1 RD RA, NOERROR; 1 question, 3 answers
  03 777777 07 6578616d706c65 03 636f6d 00  0001 0001
  c00c 0005 0001 0000012c 0011  03 63646e 07 6578616d706c65 03 6e6574 00   # CNAME cdn.example.net (at 0x2d)
  c02d 0001 0001 0000012c 0004  c0000201                                   # A 192.0.2.1
  c02d 001c 0001 0000012c 0010  20010db8000000000000000000000001           # AAAA 2001:db8::1
`);

// NXDOMAIN for the same question
const NXDOMAIN = hex(`1234 8183 0001 0000 0000 0000  03 777777 07 6578616d706c65 03 636f6d 00 0001 0001`);

test('a DNS query and response: fields, host name, answers learnt for later flows', () => {
  const r = identify([{ dir: 0, payload: QUERY }, { dir: 1, payload: RESPONSE }], { transport: 'udp', serverPort: 53 });
  assert.equal(r['protocol'], 'DNS');
  assert.equal(r['confidence'], 'dpi');
  assert.equal(r['hostname'], 'www.example.com');
  assert.deepEqual(r['dns'], { query: 'www.example.com', qtype: 'A', rcode: 'NOERROR', answers: ['cdn.example.net', '192.0.2.1', '2001:db8::1'] });
  assert.deepEqual(r['risks'], []);
  assert.equal(r['dpi_packets'], 2);
});

test('a DNS answer names later flows to the address (DNS cache)', () => {
  const q = hex(`0001 0100 0001 0000 0000 0000  03 777777 06 676f6f676c65 03 636f6d 00 0001 0001`); // www.google.com
  const a = hex(`0001 8180 0001 0001 0000 0000  03 777777 06 676f6f676c65 03 636f6d 00 0001 0001  c00c 0001 0001 0000003c 0004 c6336414`); // A 198.51.100.20
  const frames = [
    ...conversationFrames([{ dir: 0, payload: q }, { dir: 1, payload: a }], { transport: 'udp', serverPort: 53, server: '192.0.2.53' }),
    ...conversationFrames([{ dir: 0, payload: new Uint8Array([1, 2, 3, 4]) }], { transport: 'tcp', serverPort: 5222, server: '198.51.100.20', clientPort: 40000 }),
  ];
  const records = analyzeFrames(frames);
  const dns = records.find((x) => x['protocol'] === 'DNS')!;
  assert.equal(dns['application'], 'Google');
  const later = records.find((x) => x['dport'] === 5222 || x['sport'] === 5222)!;
  assert.equal(later['application'], 'Google');
  assert.equal(later['confidence'], 'dns-cache');
});

test('NXDOMAIN is an error code; DNS over TCP with its length prefix', () => {
  const r = identify([{ dir: 0, payload: QUERY }, { dir: 1, payload: NXDOMAIN }], { transport: 'udp', serverPort: 53 });
  assert.equal((r['dns'] as Record<string, unknown>)['rcode'], 'NXDOMAIN');
  assert.deepEqual(r['risks'], ['error_code']);
  const framed = (m: Uint8Array): Uint8Array => Uint8Array.from([m.length >> 8, m.length & 0xff, ...m]);
  const resp = framed(RESPONSE);
  const t = identify([
    { dir: 0, payload: framed(QUERY) },
    { dir: 1, payload: resp.subarray(0, 20) }, // the response split across segments
    { dir: 1, payload: resp.subarray(20) },
  ], { transport: 'tcp', serverPort: 53 });
  assert.equal(t['protocol'], 'DNS');
  assert.deepEqual((t['dns'] as Record<string, unknown>)['answers'], ['cdn.example.net', '192.0.2.1', '2001:db8::1']);
});

test('mDNS and LLMNR by port; DNS on an unusual port when it validates strictly', () => {
  // mDNS query for _googlecast._tcp.local PTR with the unicast-response bit
  const mdns = hex(`0000 0000 0001 0000 0000 0000  0b 5f676f6f676c6563617374 04 5f746370 05 6c6f63616c 00  000c 8001`);
  const m = identify([{ dir: 0, payload: mdns }], { transport: 'udp', clientPort: 5353, serverPort: 5353, server: '224.0.0.251' });
  assert.equal(m['protocol'], 'MDNS');
  assert.equal(m['hostname'], '_googlecast._tcp.local');
  assert.equal((m['dns'] as Record<string, unknown>)['qtype'], 'PTR');
  const llmnr = hex(`8e2a 0000 0001 0000 0000 0000  06 697361746170 00 0001 0001`); // isatap A
  const l = identify([{ dir: 0, payload: llmnr }], { transport: 'udp', serverPort: 5355, server: '224.0.0.252' });
  assert.equal(l['protocol'], 'LLMNR');
  assert.equal(l['hostname'], 'isatap');
  const odd = identify([{ dir: 0, payload: QUERY }, { dir: 1, payload: RESPONSE }], { transport: 'udp', serverPort: 5300 });
  assert.equal(odd['protocol'], 'DNS');
  assert.equal(odd['confidence'], 'dpi');
});

test('risks: large and fragmented messages, tunnelling and generated names', () => {
  // a response padded with an OPT record to 1600 bytes: over 512 and bigger than one Ethernet frame holds
  const pad = 1600 - NXDOMAIN.length - 11;
  const big = new Uint8Array(1600);
  big.set(NXDOMAIN);
  big[11] = 1; // ARCOUNT = 1
  big.set([0x00, 0x00, 0x29, 0x10, 0x00, 0, 0, 0, 0, pad >> 8, pad & 0xff], NXDOMAIN.length); // OPT, rdlen = pad
  const r = identify([{ dir: 0, payload: QUERY }, { dir: 1, payload: big }], { transport: 'udp', serverPort: 53 });
  assert.deepEqual(new Set(r['risks'] as string[]), new Set(['error_code', 'large_dns_packet']));
  // the same response in IP fragments, as it travels on Ethernet: fragmented too
  const query = ethernet(0x0800, ipv4({ src: '192.0.2.10', dst: '198.51.100.53', proto: 17 }, udp(40000, 53, QUERY)));
  const response = fragmentIpv4({ src: '198.51.100.53', dst: '192.0.2.10', proto: 17, id: 5 }, udp(53, 40000, big), 1480)
    .map((f) => ethernet(0x0800, f));
  const [fr] = analyzeFrames([query, ...response]);
  assert.deepEqual(new Set(fr!['risks'] as string[]), new Set(['error_code', 'large_dns_packet', 'fragmented_dns_message']));
  const label = 'c75900fdf525320021636f6d6d616e64202873697276696d65732900';
  const name = [label, 'skullseclabs', 'org'];
  const q = Uint8Array.from([0xab, 0xcd, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...name.flatMap((l) => [l.length, ...new TextEncoder().encode(l)]), 0, 0, 16, 0, 1]);
  const d = identify([{ dir: 0, payload: q }], { transport: 'udp', serverPort: 53 });
  const mine = (d['risks'] as string[]).filter((x) => x !== 'unidirectional_traffic');
  assert.deepEqual(new Set(mine), new Set(['dns_suspicious_traffic', 'suspicious_dga_domain']));
});

test('parser: compression loops, forward pointers, reserved labels, long names', () => {
  // header + a name that points to itself
  const loop = hex(`0001 0100 0001 0000 0000 0000  c00c 0001 0001`);
  assert.equal(parseDns(loop, 0, loop.length, { strict: false }), null);
  assert.equal(readName(loop, 0, loop.length, 12), null);
  // an answer whose name points forward
  const fwd = hex(`0001 8100 0001 0001 0000 0000  01 61 00 0001 0001  c020 0001 0001 00000000 0004 01020304`);
  assert.equal(parseDns(fwd, 0, fwd.length, { strict: true }), null);
  assert.equal(parseDns(fwd, 0, fwd.length, { strict: false })?.complete, false);
  // 0x40 label type
  const reserved = hex(`0001 0100 0001 0000 0000 0000  41 61 00 0001 0001`);
  assert.equal(parseDns(reserved, 0, reserved.length, { strict: false }), null);
  // a name of 5 × 63-byte labels is over 255 bytes
  const longName = Uint8Array.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...Array.from({ length: 5 }, () => [63, ...new Array<number>(63).fill(0x61)]).flat(), 0, 0, 1, 0, 1]);
  assert.equal(parseDns(longName, 0, longName.length, { strict: false }), null);
  // truncated everywhere: never throws; leniently, the first question's name once it is whole
  // (29 bytes), its type once QTYPE and QCLASS are (33); strictly, nothing short of the message
  for (let n = 0; n < RESPONSE.length; n++) {
    const m = parseDns(RESPONSE, 0, n, { strict: false });
    if (n < 29) assert.equal(m, null);
    else assert.equal(m?.questions[0]?.name, 'www.example.com');
    assert.equal(m?.questions[0]?.type ?? 0, n < 33 ? 0 : 1);
    assert.equal(parseDns(RESPONSE, 0, n, { strict: true }), null);
  }
  // strict mode: trailing bytes and a query with an RCODE are refused
  const trailing = Uint8Array.from([...QUERY, 0, 0]);
  assert.equal(parseDns(trailing, 0, trailing.length, { strict: true }), null);
  assert.equal(parseDns(trailing, 0, trailing.length, { strict: false })?.trailing, 2);
});

test('non-printable names: UTF-8 kept, other bytes shown as ?', () => {
  const utf8 = hex(`0001 0000 0001 0000 0000 0000  06 e5b08fe4bd9b 00 0001 0001`); // 小佛
  assert.equal(parseDns(utf8, 0, utf8.length, { strict: false })?.questions[0]?.name, '小佛');
  const bin = hex(`0001 0000 0001 0000 0000 0000  03 61ff01 00 0001 0001`);
  assert.equal(parseDns(bin, 0, bin.length, { strict: false })?.questions[0]?.name, 'a??');
});

test('checks: DGA and suspicious query heuristics', () => {
  assert.equal(dgaLabel('www.example.com'), null);
  assert.equal(dgaLabel('e0d67c509fb203858ebcb2fe3f88c2aa.baas.nintendo.com'), null); // 32-character hash
  assert.ok(dgaLabel('958700a621c3620001636f6e736f6c65202873697276696d65732900.skullseclabs.org'));
  assert.ok(dgaLabel('xkcdqwrtzpsdfghjklmnbvcxzqwrtzpsdfghjklmnb.com'));
  assert.equal(suspiciousQuery('vaaaakardli.pirate.sea', 10, 11), 'NULL-type query');
  assert.equal(suspiciousQuery('www.example.com', 1, 7), null);
});

test('random UDP is not taken for DNS on other ports, and hostile datagrams never throw', () => {
  const rnd = seededRandom(0xd115);
  let named = 0;
  for (let i = 0; i < 300; i++) {
    const b = new Uint8Array(12 + Math.floor(rnd() * 80)).map(() => Math.floor(rnd() * 256));
    const r = identify([{ dir: 0, payload: b }], { transport: 'udp', serverPort: 40000 + i, clientPort: 30000 + i });
    if (r['dns'] !== null) named++;
  }
  assert.equal(named, 0);
  for (let i = 0; i < 400; i++) {
    const seed = [QUERY, RESPONSE, NXDOMAIN][i % 3]!;
    const m = mutate(seed, rnd);
    if (m.length === 0) continue;
    parseDns(m, 0, m.length, { strict: i % 2 === 0 });
    identify([{ dir: 0, payload: QUERY }, { dir: 1, payload: m }], { transport: 'udp', serverPort: 53 });
    const framed = Uint8Array.from([m.length >> 8, m.length & 0xff, ...m]);
    identify([{ dir: 0, payload: framed }], { transport: 'tcp', serverPort: 53 });
  }
});

test('a damaged message on a DNS port still gives the first question name as read', () => {
  const dns = (p: Uint8Array, dir: 0 | 1 = 0): Record<string, unknown> => identify([{ dir, payload: p }], { transport: 'udp', serverPort: 53 });
  // the answer section is cut in its first record
  let r = dns(RESPONSE.subarray(0, 40), 1);
  assert.equal(r['hostname'], 'www.example.com');
  assert.deepEqual(r['dns'], { query: 'www.example.com', qtype: 'A', rcode: 'NOERROR' });
  assert.ok((r['risks'] as string[]).includes('malformed_packet'));
  // the packet ends after the name, before QTYPE and QCLASS: the name, and no type
  r = dns(QUERY.subarray(0, QUERY.length - 4));
  assert.equal(r['protocol'], 'DNS');
  assert.equal(r['hostname'], 'www.example.com');
  assert.deepEqual(r['dns'], { query: 'www.example.com' });
  // QTYPE 0 (reserved) after a sound name
  const zeroType = Uint8Array.from(QUERY);
  zeroType[zeroType.length - 3] = 0;
  assert.equal(dns(zeroType)['hostname'], 'www.example.com');
  // answer counts larger than the records present
  const counts = Uint8Array.from(QUERY);
  counts[7] = 5;
  assert.equal(dns(counts)['hostname'], 'www.example.com');
  // a name cut inside a label is not a name: nothing is made up
  assert.equal(dns(QUERY.subarray(0, 20))['hostname'], null);
  // off the DNS ports, the same damaged packet is not DNS
  assert.equal(identify([{ dir: 0, payload: QUERY.subarray(0, QUERY.length - 4) }], { transport: 'udp', serverPort: 40053 })['dns'], null);
});
