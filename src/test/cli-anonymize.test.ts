import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCaptures, malformedTotal } from '../test-support/anonymize-check.js';
import { CORPUS_MISSING_MESSAGE, ndpiCorpusDir } from '../test-support/corpus.js';
import { FIXTURES_DIR, fixtureNames, runSonde } from '../test-support/golden.js';

// `sonde anonymize` round trip: the flows `sonde analyze` finds in the anonymised capture are
// those `sonde analyze --pseudonymize` finds in the original (same key), counters included, and
// tshark finds no malformed packet the original did not have. On our fixtures (every link type
// and tunnel sonde reads) and on shared captures with PPPoE, MPLS, Cisco HDLC, PPI, TSO lengths
// and malformed lengths, and CAPWAP with native 802.11 frames. Not dns_fragmented.pcap: sonde
// reassembles a datagram from its fragments' data, which anonymize drops (see README).

const dir = mkdtempSync(join(tmpdir(), 'sonde-anonymize-'));
const key = join(dir, 'key');
writeFileSync(key, '8f'.repeat(32) + '\n');
const hasTshark = !spawnSync('tshark', ['--version'], { encoding: 'utf8' }).error;
const TSHARK_MISSING = 'tshark is not installed (apt-get install tshark)';

function roundTrip(paths: string[]): void {
  const checks = checkCaptures(paths, key, dir, false);
  for (const c of checks) {
    assert.ok(c.flows > 0, `${c.capture}: no flows to compare`);
    assert.deepEqual({ missing: c.missing, extra: c.extra }, { missing: [], extra: [] }, c.capture);
  }
  // truncated-end.pcap ends inside a packet, which mergecap refuses: tshark reads it alone
  const whole = paths.filter((p) => !p.endsWith('truncated-end.pcap'));
  const before = malformedTotal(whole, dir);
  const after = malformedTotal(checks.filter((c) => whole.some((p) => p.endsWith(c.capture))).map((c) => c.output), dir);
  assert.ok(before !== null && after !== null, 'mergecap and tshark ran');
  assert.ok(after <= before, `tshark finds ${after} malformed packets, ${before} in the originals`);
}

// the 802.11 link types (radiotap too) are not rewritten yet, and a pcap holds one link type (the
// frames of two-interfaces.pcapng's second interface are left out): see README
const FIXTURES = fixtureNames().filter((f) => !f.startsWith('link-ieee80211') && !f.startsWith('link-radiotap') && f !== 'two-interfaces.pcapng');

test('anonymize round trip on the fixtures: the same flows as --pseudonymize, no new malformed packet', { skip: hasTshark ? false : TSHARK_MISSING }, () => {
  assert.ok(FIXTURES.length >= 14, FIXTURES.join(' '));
  roundTrip(FIXTURES.map((f) => join(FIXTURES_DIR, f)));
});

const corpus = ndpiCorpusDir();
const SHARED = ['capwap.pcap', 'syslog.pcap', 'discord_mid_flow.pcap', 'BGP_redist.pcap', 'BGP_Cisco_hdlc_slarp.pcap', 'someip_sd_sample.pcap', 'anydesk.pcapng', 'badpackets.pcap', 'iphone.pcap', 'dns_doh.pcap'];

test('anonymize round trip on shared captures (PPPoE, MPLS, HDLC, PPI, TSO, bad lengths)', { skip: !hasTshark ? TSHARK_MISSING : corpus === null ? CORPUS_MISSING_MESSAGE : false }, () => {
  roundTrip(SHARED.map((f) => join(corpus!, 'pcap', f)));
});

test('anonymize: no real address and no payload is left, and tshark reads the checksums as right with the payload kept', { skip: hasTshark ? false : TSHARK_MISSING }, () => {
  const input = join(FIXTURES_DIR, 'sample.pcap');
  const out = join(dir, 'kept.pcap');
  const r = runSonde(['anonymize', input, out, '--key', key, '--payload', 'keep']);
  assert.equal(r.status, 0, r.stderr);
  const fields = (path: string, ...extra: string[]): string[] =>
    spawnSync('tshark', ['-n', '-r', path, ...extra], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout.split('\n').filter((l) => l !== '');
  const real = new Set(fields(input, '-T', 'fields', '-e', 'ip.src', '-e', 'ip.dst').flatMap((l) => l.split('\t')).filter((a) => a !== ''));
  assert.ok(real.size >= 2);
  const seen = fields(out, '-T', 'fields', '-e', 'ip.src', '-e', 'ip.dst').flatMap((l) => l.split('\t'));
  for (const a of real) assert.ok(!seen.includes(a), `${a} is still in the anonymised capture`);
  // the generator leaves some transport checksums unset: each is as right or wrong as it was
  const badChecksums = (path: string): string[] => fields(path, '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE',
    '-T', 'fields', '-e', 'frame.number', '-e', 'ip.checksum.status', '-e', 'tcp.checksum.status', '-e', 'udp.checksum.status');
  const inputChecks = badChecksums(input);
  assert.ok(inputChecks.filter((l) => l.split('\t')[1] === '1').length >= 5, 'IPv4 header checksums are right in the input');
  assert.deepEqual(badChecksums(out), inputChecks, 'every checksum as right (1) or wrong (0) as in the input');
  const dropped = join(dir, 'dropped.pcap');
  assert.equal(runSonde(['anonymize', input, dropped, '--key', key]).status, 0);
  assert.ok(fields(input, '-Y', 'data || http || dns || tls').length >= 4, 'the input has payload');
  assert.deepEqual(fields(dropped, '-Y', '(data || http || dns || tls) && !ipv6.fraghdr'), [], 'no payload byte is left');
  // of a first IPv6 fragment only the headers stay (tshark shows the UDP header as data)
  const fragments = fields(dropped, '-Y', 'ipv6.fraghdr', '-T', 'fields', '-e', 'frame.cap_len');
  assert.ok(fragments.length > 0 && fragments.every((n) => Number(n) <= 14 + 40 + 8 + 8), fragments.join(' '));
});

test('anonymize: bad input is one line and a non-zero exit; the output is never the input', () => {
  const input = join(FIXTURES_DIR, 'sample.pcap');
  const noKey = runSonde(['anonymize', input, join(dir, 'x.pcap')]);
  assert.equal(noKey.status, 2);
  assert.match(noKey.stderr, /^sonde: 'sonde anonymize' needs a key: --key KEYFILE/);
  const same = runSonde(['anonymize', input, input, '--key', key]);
  assert.equal(same.status, 2);
  assert.match(same.stderr, /another file than the input/);
  const badPayload = runSonde(['anonymize', input, join(dir, 'x.pcap'), '--key', key, '--payload', 'some']);
  assert.equal(badPayload.status, 2);
  assert.match(badPayload.stderr, /'--payload' takes drop, keep or a number of bytes/);
  const missing = runSonde(['anonymize', join(dir, 'absent.pcap'), join(dir, 'x.pcap'), '--key', key]);
  assert.equal(missing.status, 1);
  assert.equal(missing.stderr.trim().split('\n').length, 1, missing.stderr);
});
