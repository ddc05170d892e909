import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DeviceExposure, type ExposureReport } from '../exposure/report.js';
import { CORPUS_MISSING_MESSAGE, ndpiCorpusDir } from '../test-support/corpus.js';
import { runSonde } from '../test-support/golden.js';

// `sonde exposure` on shared captures with DNS, encrypted DNS, HTTP, TLS and IMAP: the findings a
// user reads, the terminal version, and the HTML report as Chromium draws it.

const corpus = ndpiCorpusDir();
const skip = corpus === null ? CORPUS_MISSING_MESSAGE : false;
const pcap = (name: string): string => join(corpus ?? '', 'pcap', name);
const CAPTURES = ['iphone.pcap', 'dns_doh.pcap', 'imap.pcap', 'http.pcapng'];
const dir = mkdtempSync(join(tmpdir(), 'sonde-exposure-'));

function report(): ExposureReport {
  const r = runSonde(['exposure', ...CAPTURES.map(pcap), '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ExposureReport;
}
const device = (r: ExposureReport, address: string): DeviceExposure => {
  const d = r.devices.find((x) => x.address === address);
  assert.ok(d, `no device ${address} in ${r.devices.map((x) => x.address).join(', ')}`);
  return d;
};

test('exposure: names in plain DNS and SNI without ECH, encrypted DNS, logins in clear, plain HTTP with its user agent', { skip }, () => {
  const r = report();
  assert.deepEqual(r.captures, [...CAPTURES].sort());
  const phone = device(r, '192.168.2.17');
  assert.ok(phone.dns.plain_queries >= 10, JSON.stringify(phone.dns));
  assert.deepEqual(phone.dns.resolvers, ['192.168.2.1']);
  assert.ok(phone.dns_names.some((n) => n.name === 'gsa.apple.com'), JSON.stringify(phone.dns_names));
  assert.ok(phone.tls_names.some((n) => n.name === 'gateway.icloud.com'), JSON.stringify(phone.tls_names));
  assert.equal(phone.tls.with_ech, 0);
  assert.deepEqual(phone.http_hosts, [{ name: 'captive.apple.com', flows: 1 }]);
  assert.ok(phone.fixes.some((f) => /plain DNS/.test(f.finding) && /encrypted DNS/.test(f.fix)));
  assert.ok(phone.fixes.some((f) => /no Encrypted Client Hello/.test(f.finding)));
  assert.ok(phone.destinations.known_providers >= 1, 'Apple is a large provider');

  const doh = device(r, '172.20.10.4');
  assert.equal(doh.dns.doh, 1);
  assert.equal(doh.dns.plain_queries, 0);
  assert.ok(!doh.fixes.some((f) => /DNS/.test(f.finding)), 'nothing to fix about DNS');

  const mail = device(r, '10.40.4.2');
  assert.deepEqual(mail.cleartext.map((c) => `${c.protocol}:${c.carries}`), ['IMAP:credentials']);
  assert.equal(mail.fixes[0]!.severity, 'high');
  assert.match(mail.fixes[0]!.finding, /Logins were sent in clear over IMAP/);

  const curl = device(r, '192.168.1.128');
  assert.deepEqual(curl.http_hosts, [{ name: 'google.com', flows: 1 }]);
  assert.deepEqual(curl.fingerprints.user_agents, ['curl/7.68.0']);
});

test('exposure --local: only devices in the prefixes; the rest is counted as left out; text is a few lines per device', { skip }, () => {
  const r = runSonde(['exposure', pcap('iphone.pcap'), '--local', '192.168.2.17/32']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^What a passive observer learns: 1 local device in \d+ flows \(local: 192\.168\.2\.17\/32\)/);
  assert.match(r.stdout, /^192\.168\.2\.17: \d+ flows/m);
  assert.match(r.stdout, /names in clear: DNS .*gsa\.apple\.com/);
  assert.match(r.stdout, /flows? with no end in the local prefixes (was|were) left out/);
  assert.ok(r.stdout.split('\n').length < 40, r.stdout);
});

test('exposure: bad input is one line and a non-zero exit', () => {
  const bad = runSonde(['exposure', 'x.pcap', '--local', '192.168.1.0/33']);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, "sonde: option '--local': '192.168.1.0/33' is not an address prefix (e.g. 192.168.1.0/24 or fd00::/8)\n");
  const none = runSonde(['exposure']);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /^sonde: no capture given: 'sonde exposure CAPTURE\.\.\.'\n$/);
  const missing = runSonde(['exposure', join(dir, 'absent.pcap')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot open .*absent\.pcap/);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
});

const chromium = ['chromium', 'chromium-browser'].find((c) => !spawnSync(c, ['--version'], { encoding: 'utf8' }).error);

test('exposure --html: one offline file that Chromium draws, charts and findings in it', { skip: skip || (chromium ? false : 'chromium is not installed (apt-get install chromium)') }, () => {
  const html = join(dir, 'report.html');
  const r = runSonde(['exposure', ...CAPTURES.map(pcap), '--html', html, '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  const text = readFileSync(html, 'utf8');
  assert.ok(!/<script|<link|<img|url\(/i.test(text), 'nothing to load, nothing to run');
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--window-size=1100,2400'];
  const dom = spawnSync(chromium!, [...flags, '--dump-dom', `file://${html}`], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(dom.status, 0, dom.stderr);
  assert.match(dom.stdout, /<h1>What your traffic reveals<\/h1>/);
  assert.match(dom.stdout, /<h2>192\.168\.2\.17<\/h2>/);
  assert.match(dom.stdout, /Logins were sent in clear over IMAP/);
  assert.ok((dom.stdout.match(/<svg role="img"/g) ?? []).length >= 4, 'an hour chart per device');
  const shot = join(dir, 'report.png');
  const s = spawnSync(chromium!, [...flags, `--screenshot=${shot}`, `file://${html}`], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(s.status, 0, s.stderr);
  assert.ok(existsSync(shot) && statSync(shot).size > 50_000, 'a screenshot with content');
  // dark theme: the same page under prefers-color-scheme: dark
  const dark = join(dir, 'report-dark.png');
  const d = spawnSync(chromium!, [...flags, '--force-dark-mode', '--blink-settings=preferredColorScheme=0', `--screenshot=${dark}`, `file://${html}`], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(d.status, 0, d.stderr);
  assert.notDeepEqual(readFileSync(dark), readFileSync(shot), 'the dark theme draws differently');
  if (process.env['SONDE_KEEP_SCREENSHOTS']) process.stderr.write(`screenshots: ${shot} ${dark}\n`);
});
