import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadApplications, parseApplications } from './applications.js';
import { CATEGORIES, protocolEntry } from '../api/catalog.js';
import { DomainMatcher, Ipv4PrefixMatcher } from './hostnames.js';

const ip = (text: string): number => text.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);

const SAMPLE = [
  '# comment',
  '',
  'TestSearch\tTestSearchN\tWeb\texample.com example.org',
  'TestMail\tTestMailN\tEmail\tmail.example.com\t192.0.2.0/24',
  'TestCdn\t\tContent_Delivery\t-\t198.51.100.0/22 198.51.100.128/25',
  'TestVideo\tTestVideoN\tVideo\tvideo.example.com *.cdn.example.net\t198.51.100.0/24',
].join('\n');

test('applications: loader counts lines, skips comments and blank lines, keeps the nDPI name', () => {
  const db = parseApplications(SAMPLE, 'sample.tsv');
  assert.equal(db.applications, 4);
  const search = db.domains.match('example.com');
  assert.notEqual(search, 0);
  assert.equal(protocolEntry(search).name, 'TestSearch');
  assert.equal(protocolEntry(search).ndpi, 'TestSearchN');
  assert.equal(protocolEntry(search).category, 'Web');
  assert.equal(protocolEntry(search).kind, 'application');
  // an empty nDPI column means "same as sonde's name"; '-' declares no domains
  const cdn = db.ipv4.match(ip('198.51.101.1'));
  assert.equal(protocolEntry(cdn).name, 'TestCdn');
  assert.equal(protocolEntry(cdn).ndpi, 'TestCdn');
  assert.equal(db.domains.match('-'), 0);
});

test('applications: suffixes match on label boundaries only', () => {
  const db = parseApplications(SAMPLE, 'sample.tsv');
  const search = db.domains.match('example.com');
  assert.equal(db.domains.match('www.example.com'), search);
  assert.equal(db.domains.match('a.b.c.example.com'), search);
  assert.equal(db.domains.match('notexample.com'), 0);
  assert.equal(db.domains.match('example.com.evil.net'), 0);
  assert.equal(db.domains.match('com'), 0);
  assert.equal(db.domains.match(''), 0);
  // a leading '*.' in the database is the same as the bare suffix
  const video = db.domains.match('video.example.com');
  assert.equal(db.domains.match('cdn.example.net'), video);
  assert.equal(db.domains.match('edge1.cdn.example.net'), video);
});

test('applications: the longest matching suffix wins', () => {
  const db = parseApplications(SAMPLE, 'sample.tsv');
  const search = db.domains.match('example.com');
  const mail = db.domains.match('mail.example.com');
  assert.notEqual(mail, search);
  assert.equal(protocolEntry(mail).name, 'TestMail');
  assert.equal(db.domains.match('imap.mail.example.com'), mail);
  // a sibling of the longer suffix falls back to the shorter one
  assert.equal(db.domains.match('mailx.example.com'), search);
  assert.equal(db.domains.match('x.video.example.com'), db.domains.match('video.example.com'));
});

test('applications: case and trailing dot do not matter', () => {
  const db = parseApplications(SAMPLE, 'sample.tsv');
  const mail = db.domains.match('mail.example.com');
  assert.equal(db.domains.match('MAIL.Example.COM'), mail);
  assert.equal(db.domains.match('mail.example.com.'), mail);
  assert.equal(db.domains.match('Www.EXAMPLE.com.'), db.domains.match('example.com'));
  // declared in upper case, matched in lower case
  const m = new DomainMatcher();
  m.add('Upper.Example.ORG', 7);
  assert.equal(m.match('upper.example.org'), 7);
  assert.equal(m.size, 1);
});

test('applications: IPv4 prefixes, longest match wins', () => {
  const db = parseApplications(SAMPLE, 'sample.tsv');
  const name = (a: string): string => protocolEntry(db.ipv4.match(ip(a))).name;
  assert.equal(name('192.0.2.77'), 'TestMail');
  assert.equal(name('198.51.100.5'), 'TestVideo'); // /24 inside the /22
  assert.equal(name('198.51.100.200'), 'TestCdn'); // /25 beats /24
  assert.equal(name('198.51.102.9'), 'TestCdn'); // only the /22
  assert.equal(db.ipv4.match(ip('198.51.104.1')), 0);
  assert.equal(db.ipv4.match(ip('192.0.3.0')), 0);

  const m = new Ipv4PrefixMatcher();
  m.add('10.0.0.0/8', 1);
  m.add('10.1.0.0/16', 2);
  m.add('10.1.2.3', 3); // no length: a host
  m.add('0.0.0.0/0', 4);
  assert.equal(m.match(ip('10.9.9.9')), 1);
  assert.equal(m.match(ip('10.1.9.9')), 2);
  assert.equal(m.match(ip('10.1.2.3')), 3);
  assert.equal(m.match(ip('11.0.0.0')), 4);
  // adding after a lookup still takes effect
  m.add('11.0.0.0/8', 5);
  assert.equal(m.match(ip('11.0.0.1')), 5);
  // host bits in the prefix are ignored
  m.add('12.34.56.78/8', 6);
  assert.equal(m.match(ip('12.0.0.1')), 6);
  assert.throws(() => m.add('1.2.3/8', 1), /bad IPv4 prefix/);
  assert.throws(() => m.add('1.2.3.256/8', 1), /bad IPv4 prefix/);
  assert.throws(() => m.add('1.2.3.4/33', 1), /bad IPv4 prefix/);
});

test('applications: a malformed line is reported with file:line', () => {
  assert.throws(() => parseApplications('# c\nTestBad\tTestBad\tWeb\n', 'bad.tsv'), /^Error: bad\.tsv:2: expected name/);
  assert.throws(() => parseApplications('\n\nTestBad2 Web example.com\n', 'bad.tsv'), /bad\.tsv:3:/);
  assert.throws(() => parseApplications('TestBad3\tTestBad3\tNoSuchCategory\texample.invalid\n', 'bad.tsv'), /bad\.tsv:1: .*unknown category 'NoSuchCategory'/);
});

// --- the shipped database ---------------------------------------------------------------------

const DATA = readFileSync(new URL('../../../data/applications.tsv', import.meta.url), 'utf8');

interface Row {
  line: number;
  name: string;
  ndpi: string;
  category: string;
  domains: string[];
  prefixes: string[];
}

function rows(): Row[] {
  const out: Row[] = [];
  DATA.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    if (line === '' || line.startsWith('#')) return;
    const cols = line.split('\t');
    out.push({
      line: i + 1,
      name: cols[0] ?? '',
      ndpi: cols[1] ?? '',
      category: cols[2] ?? '',
      domains: (cols[3] ?? '').split(/\s+/).filter((d) => d !== '' && d !== '-'),
      prefixes: (cols[4] ?? '').split(/\s+/).filter((p) => p !== ''),
    });
  });
  return out;
}

test('data/applications.tsv: every line parses and every category is known', () => {
  const db = loadApplications();
  const all = rows();
  assert.equal(db.applications, all.length);
  assert.ok(all.length >= 250, `only ${all.length} applications`);
  for (const r of all) {
    const cols = DATA.split('\n')[r.line - 1]!.split('\t');
    assert.ok(cols.length === 4 || cols.length === 5, `line ${r.line}: ${cols.length} columns`);
    assert.match(r.name, /^[A-Za-z0-9][A-Za-z0-9_.+()-]*$/, `line ${r.line}: name '${r.name}'`);
    if (r.ndpi !== '-') assert.match(r.ndpi, /^[A-Za-z0-9][A-Za-z0-9_.+()-]*$/, `line ${r.line}: nDPI name '${r.ndpi}'`);
    assert.ok((CATEGORIES as readonly string[]).includes(r.category), `line ${r.line}: unknown category '${r.category}'`);
    assert.ok(r.domains.length > 0 || r.prefixes.length > 0, `line ${r.line}: ${r.name} declares nothing`);
    for (const d of r.domains) {
      assert.match(d, /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, `line ${r.line}: domain '${d}' (lower case, no wildcard, no trailing dot)`);
    }
    for (const p of r.prefixes) {
      assert.match(p, /^\d+\.\d+\.\d+\.\d+\/\d+$/, `line ${r.line}: prefix '${p}'`);
      const [addr, len] = p.split('/') as [string, string];
      const n = ip(addr);
      const bits = Number(len);
      assert.ok(bits >= 8 && bits <= 32, `line ${r.line}: prefix '${p}' too wide`);
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      assert.equal((n & ~mask) >>> 0, 0, `line ${r.line}: prefix '${p}' has host bits set`);
    }
  }
  // every declared name maps to its own application
  for (const r of all) {
    for (const d of r.domains) assert.equal(protocolEntry(db.domains.match(d)).name, r.name, `line ${r.line}: ${d}`);
    for (const p of r.prefixes) assert.equal(protocolEntry(db.ipv4.match(ip(p.split('/')[0]!))).name, r.name, `line ${r.line}: ${p}`);
  }
});

test('data/applications.tsv: names unique, no domain suffix or prefix declared twice', () => {
  const names = new Map<string, number>();
  const domains = new Map<string, Row>();
  const prefixes = new Map<string, Row>();
  for (const r of rows()) {
    const key = r.name.toLowerCase();
    assert.ok(!names.has(key), `line ${r.line}: ${r.name} already declared on line ${names.get(key)}`);
    names.set(key, r.line);
    for (const d of r.domains) {
      const prev = domains.get(d);
      assert.ok(!prev, `line ${r.line}: ${d} already declared by ${prev?.name} on line ${prev?.line}`);
      domains.set(d, r);
    }
    for (const p of r.prefixes) {
      const prev = prefixes.get(p);
      assert.ok(!prev, `line ${r.line}: ${p} already declared by ${prev?.name} on line ${prev?.line}`);
      prefixes.set(p, r);
    }
  }
});

test('data/applications.tsv: well-known host names map to the expected application', () => {
  const db = loadApplications();
  const expect: [string, string][] = [
    ['www.google.com', 'Google'],
    ['rr3---sn-4g5e6nzz.googlevideo.com', 'YouTube'],
    ['i.ytimg.com', 'YouTube'],
    ['mail.google.com', 'Gmail'],
    ['pagead2.googlesyndication.com', 'GoogleAds'],
    ['connectivitycheck.gstatic.com', 'GoogleConnCheck'],
    ['fonts.googleapis.com', 'GoogleServices'],
    ['storage.googleapis.com', 'GoogleCloud'],
    ['dns.google', 'DoH_DoT'],
    ['scontent-mxp1-1.xx.fbcdn.net', 'Facebook'],
    ['g.whatsapp.net', 'WhatsApp'],
    ['mmg.whatsapp.net', 'WhatsAppFiles'],
    ['i.instagram.com', 'Instagram'],
    ['web.telegram.org', 'Telegram'],
    ['teams.microsoft.com', 'Teams'],
    ['login.microsoftonline.com', 'Microsoft365'],
    ['outlook.office365.com', 'Outlook'],
    ['au.download.windowsupdate.com', 'WindowsUpdate'],
    ['mystorage.blob.core.windows.net', 'Azure'],
    ['s3.eu-west-1.amazonaws.com', 'AmazonAWS'],
    ['d1234.cloudfront.net', 'AmazonAWS'],
    ['www.amazon.co.uk', 'Amazon'],
    ['gateway.icloud.com', 'AppleiCloud'],
    ['captive.apple.com', 'AppleConnCheck'],
    ['ipv4-c001-mxp001-ix.1.oca.nflxvideo.net', 'NetFlix'],
    ['audio-ak-spotify-com.akamaized.net', 'Akamai'],
    ['api.spotify.com', 'Spotify'],
    ['zoomfr84zc.zoom.us', 'Zoom'],
    ['discord.com', 'Discord'],
    ['www.tiktok.com', 'TikTok'],
    ['chatgpt.com', 'OpenAI'],
    ['store.steampowered.com', 'Steam'],
    ['katalk.kakao.com', 'KakaoTalk'],
    ['hkextshort.weixin.qq.com', 'WeChat'],
    ['pingma.qq.com', 'QQ'],
    ['r3.o.lencr.org', 'OCSP'],
    // a service beats its parent company: the longest suffix
    ['play.geforcenow.com', 'GeForceNow'],
    ['www.nvidia.com', 'Nvidia'],
    ['storage.yandexcloud.net', 'YandexCloud'],
    ['serverless-functions.api.cloud.yandex.net', 'YandexCloud'],
    ['mc.yandex.ru', 'YandexMetrika'],
    ['yastatic.net', 'Yandex'],
    ['login.ubuntu.com', 'UbuntuONE'],
    ['archive.ubuntu.com', 'Ubuntu'],
    ['weibo.com', 'Weibo'],
    ['finance.sina.com.cn', 'Sina'],
  ];
  for (const [host, app] of expect) assert.equal(protocolEntry(db.domains.match(host)).name, app, host);
  const byIp: [string, string][] = [
    ['8.8.8.8', 'Google'],
    ['157.240.1.35', 'Facebook'],
    ['17.253.144.10', 'Apple'],
    ['104.16.132.229', 'Cloudflare'],
    ['149.154.167.51', 'Telegram'],
    ['151.101.1.69', 'Fastly'],
    ['52.94.236.248', 'AmazonAWS'],
    ['20.190.160.1', 'Azure'],
    ['23.246.10.139', 'NetFlix'],
  ];
  for (const [addr, app] of byIp) assert.equal(protocolEntry(db.ipv4.match(ip(addr))).name, app, addr);
});
