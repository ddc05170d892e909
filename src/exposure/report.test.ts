import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderHtml, escapeHtml } from './html.js';
import { LocalNetworkError, LocalNetworks } from './local-networks.js';
import { ExposureBuilder, type DeviceExposure, type FlowRecordLike } from './report.js';
import { hoursSparkline, renderText } from './text.js';

const T = Date.UTC(2026, 2, 1, 9, 30) / 1000; // 09:30 UTC

let port = 40000;
function flow(src: string, dst: string, fields: FlowRecordLike = {}): FlowRecordLike {
  return { capture: 'home.pcap', l4: 'TCP', src, sport: port++, dst, dport: 443, first_seen: T, last_seen: T + 5, bytes_c2s: 600, bytes_s2c: 4000, protocol: null, application: null, hostname: null, risks: [], ...fields };
}

function build(flows: FlowRecordLike[], local = ['192.168.1.0/24', 'fd00::/8']): DeviceExposure[] {
  const b = new ExposureBuilder(new LocalNetworks(local), local);
  for (const f of flows) b.add(f);
  return b.report(new Date(0)).devices;
}

const LAPTOP = '192.168.1.10';
const PHONE = '192.168.1.20';
const dns = (name: string, from = LAPTOP): FlowRecordLike => flow(from, '192.168.1.1', { l4: 'UDP', dport: 53, protocol: 'DNS', hostname: name, dns: { query: name } });
const tls = (name: string | null, ech = false, from = LAPTOP, extra: FlowRecordLike = {}): FlowRecordLike =>
  flow(from, '203.0.113.7', { protocol: 'TLS', hostname: name, ja4: 't13d1516h2_8daaf6152771_e5627efa2ab1', tls: { sni: name, ...(ech ? { ech: true } : {}) }, ...extra });

test('local prefixes: IPv4 and IPv6, default private ranges; a bad prefix is refused with an example', () => {
  const l = new LocalNetworks(['192.168.1.0/24', 'fd00::/8', '10.1.2.3']);
  assert.ok(l.has('192.168.1.200'));
  assert.ok(!l.has('192.168.2.1'));
  assert.ok(l.has('fd12:3456::1'));
  assert.ok(!l.has('2001:db8::1'));
  assert.ok(l.has('10.1.2.3') && !l.has('10.1.2.4'));
  const d = new LocalNetworks();
  for (const a of ['10.9.9.9', '172.31.0.1', '192.168.0.5', 'fe80::1', 'fd00::5']) assert.ok(d.has(a), a);
  for (const a of ['8.8.8.8', '172.32.0.1', '2001:db8::1']) assert.ok(!d.has(a), a);
  for (const bad of ['192.168.1.0/33', 'home', '192.168.1/24', 'fd00::/129']) assert.throws(() => new LocalNetworks([bad]), LocalNetworkError, bad);
});

test('names in clear: plain DNS queries and TLS SNI, counted per name; ECH and encrypted DNS counted apart', () => {
  const [d] = build([
    dns('www.example.org'), dns('www.example.org'), dns('mail.example.net'),
    tls('www.example.org'), tls('cover.example.com', true),
    flow(LAPTOP, '1.1.1.1', { protocol: 'TLS', application: 'DoH_DoT', hostname: 'cloudflare-dns.com', tls: { sni: 'cloudflare-dns.com' } }),
    flow(LAPTOP, '9.9.9.9', { dport: 853, protocol: 'TLS', application: 'DoH_DoT', tls: { sni: 'dns.quad9.net' } }),
    flow(LAPTOP, '94.140.14.14', { l4: 'UDP', dport: 853, protocol: 'QUIC', application: 'DoH_DoT', quic: { sni: 'dns.adguard.com' } }),
  ]);
  assert.equal(d!.address, LAPTOP);
  assert.deepEqual(d!.dns_names, [{ name: 'www.example.org', flows: 2 }, { name: 'mail.example.net', flows: 1 }]);
  assert.deepEqual(d!.dns, { plain_queries: 3, doh: 1, dot: 1, doq: 1, resolvers: ['192.168.1.1', '9.9.9.9', '94.140.14.14', 'cloudflare-dns.com'] });
  // the resolvers' own names are not counted as sites visited
  assert.deepEqual(d!.tls_names.map((n) => n.name).sort(), ['cover.example.com', 'www.example.org']);
  assert.deepEqual(d!.tls, { with_sni: 2, with_ech: 1, without_sni: 0 });
  const dnsFix = d!.fixes.find((f) => /plain DNS/.test(f.finding))!;
  assert.equal(dnsFix.severity, 'low', 'encrypted DNS in use for some: a smaller finding');
  assert.match(dnsFix.fix, /operating system/);
  assert.match(dnsFix.finding, /to 192\.168\.1\.1, 9\.9\.9\.9, 94\.140\.14\.14\)/, 'resolvers by address; cloudflare-dns.com is a name');
  assert.match(d!.fixes.find((f) => /SNI/.test(f.finding))!.finding, /1 connection used Encrypted Client Hello/);
});

test('no plain DNS and every SNI under ECH: neither fix is given', () => {
  const [d] = build([tls('cover.example.com', true), flow(LAPTOP, '1.1.1.1', { protocol: 'TLS', application: 'DoH_DoT', tls: { sni: 'one.one.one.one' } })]);
  assert.deepEqual(d!.fixes, []);
});

test('cleartext: logins and mail stand first; a session upgraded with STARTTLS is not in clear', () => {
  const [d] = build([
    flow(LAPTOP, '198.51.100.9', { dport: 143, protocol: 'IMAP', risks: ['clear_text_credentials'] }),
    flow(LAPTOP, '198.51.100.9', { dport: 25, protocol: 'SMTP', smtp: { starttls: true } }),
    flow(LAPTOP, '198.51.100.9', { dport: 110, protocol: 'POP3' }),
    flow(LAPTOP, '198.51.100.10', { dport: 80, protocol: 'HTTP', hostname: 'plain.example.org', http: { host: 'plain.example.org', path: '/login?user=me', user_agent: 'Mozilla/5.0 (X11; Linux x86_64)' } }),
    flow(LAPTOP, '198.51.100.11', { l4: 'UDP', dport: 161, protocol: 'SNMP' }),
  ]);
  assert.deepEqual(d!.cleartext.map((c) => `${c.protocol}:${c.carries}`).sort(), ['HTTP:clear', 'IMAP:credentials', 'POP3:mail', 'SNMP:clear']);
  assert.deepEqual(d!.http_hosts, [{ name: 'plain.example.org', flows: 1 }]);
  assert.deepEqual(d!.http_paths, ['/login'], 'the query string is cut');
  assert.deepEqual(d!.fingerprints.user_agents, ['Mozilla/5.0 (X11; Linux x86_64)']);
  assert.deepEqual(d!.fixes.filter((f) => !/stands out/.test(f.finding)).map((f) => f.severity), ['high', 'high', 'medium', 'low']);
  assert.match(d!.fixes[0]!.finding, /Logins were sent in clear over IMAP/);
  assert.match(d!.fixes[1]!.finding, /Mail went in clear over POP3 \(1 session\)/);
  assert.match(d!.fixes[2]!.fix, /HTTPS-only/);
  assert.match(d!.fixes[3]!.finding, /SNMP \(1 flow\)/);
});

test('standing out: a destination no known provider serves and only one device visits is rare', () => {
  const devices = build([
    tls('cloud.selfhosted.example', false, LAPTOP),
    tls('www.popular.example', false, LAPTOP), tls('www.popular.example', false, PHONE),
    tls('photos.bigprovider.example', false, LAPTOP, { application: 'Google' }),
    tls('static.cdn.example', false, LAPTOP, { address_application: 'Cloudflare' }),
  ]);
  const laptop = devices.find((d) => d.address === LAPTOP)!;
  assert.equal(laptop.destinations.total, 4);
  assert.equal(laptop.destinations.known_providers, 2);
  assert.deepEqual(laptop.destinations.rare, [{ name: 'selfhosted.example', flows: 1 }], 'names are cut to their registrable domain; a destination two devices share is not rare');
  assert.match(laptop.fixes.at(-1)!.finding, /only this device visits \(selfhosted\.example\)/);
});

test('devices: the local end of each flow, the client first; flows with no local end are counted apart; hours in UTC', () => {
  const b = new ExposureBuilder(new LocalNetworks(['192.168.1.0/24']), ['192.168.1.0/24']);
  b.add(flow(LAPTOP, '203.0.113.1'));
  b.add(flow('203.0.113.1', PHONE, { first_seen: T + 3 * 3600 })); // an inbound flow is the phone's
  b.add(flow('203.0.113.1', '198.51.100.1'));
  b.add(flow(LAPTOP, '224.0.0.251', { l4: 'UDP', dport: 5353, protocol: 'MDNS', dns: { query: 'Laptop._ssh._tcp.local' } }));
  const r = b.report(new Date(0));
  assert.equal(r.flows, 4);
  assert.equal(r.flows_not_local, 1);
  assert.deepEqual(r.devices.map((d) => d.address).sort(), [LAPTOP, PHONE]);
  const laptop = r.devices.find((d) => d.address === LAPTOP)!;
  const phone = r.devices.find((d) => d.address === PHONE)!;
  assert.equal(laptop.hours_utc[9], 2);
  assert.equal(phone.hours_utc[12], 1);
  assert.deepEqual(laptop.fingerprints.announced_names, ['Laptop._ssh._tcp.local']);
  assert.equal(laptop.destinations.total, 1, 'multicast is no destination');
  assert.equal(hoursSparkline(laptop.hours_utc).length, 24);
  assert.match(renderText(r), /^1 flow with no end in the local prefixes was left out/m);
});

test('HTML: one file with no script and nothing loaded from elsewhere; names from the wire are escaped', () => {
  const hostile = '<script>alert(1)</script>.example';
  const b = new ExposureBuilder(new LocalNetworks(['192.168.1.0/24']), ['192.168.1.0/24']);
  b.add(dns(hostile));
  b.add(flow(LAPTOP, '198.51.100.10', { dport: 80, protocol: 'HTTP', http: { host: 'x" onmouseover="alert(1)', user_agent: "it's <b>" } }));
  const html = renderHtml(b.report(new Date(0)));
  assert.ok(!/<script/i.test(html));
  assert.ok(!/\s(src|href)=/i.test(html), 'no resource of any kind is referenced');
  assert.ok(!html.includes('" onmouseover="'), 'a quote from the wire cannot end an attribute');
  assert.ok(html.includes('x&quot; onmouseover=&quot;alert(1)'));
  assert.ok(html.includes(escapeHtml(hostile)));
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.match(html, /<h2>192\.168\.1\.10<\/h2>/);
  assert.match(html, /<svg role="img" aria-label="flows by hour of day, UTC"/);
});
