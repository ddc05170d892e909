import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutputPrivacy, registrableHost } from './output-privacy.js';
import { Pseudonymizer } from './pseudonymizer.js';
import { CryptoPan } from './cryptopan.js';
import { formatIpv4 } from '../flow/address.js';
import { DpiResults } from '../dpi/runtime/results.js';
import { FlowSnapshot } from '../flow/snapshot.js';
import { EARLY_PACKETS } from '../flow/table.js';
import { flowRecord, type FlowView } from '../flow/schema.js';
import '../dpi/index.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
const pan = new CryptoPan(KEY);
const v4 = (s: string): string => formatIpv4(pan.ipv4(s.split('.').reduce((a, b) => a * 256 + Number(b), 0)));
const word = (s: string): number => s.split('.').reduce((a, b) => a * 256 + Number(b), 0);

/** a one-flow table: 192.0.2.10:50000 → 198.51.100.20:80 over TCP, with three early packets */
function httpFlow(): FlowView {
  const snapshot = new FlowSnapshot(1);
  snapshot.count = 1;
  const table = snapshot.arrays;
  table.keys.set([(4 << 8) | 6, word('192.0.2.10'), 0, 0, 0, word('198.51.100.20'), 0, 0, 0, ((50000 << 16) | 80) >>> 0], 0);
  table.clientIsA[0] = 1;
  table.earlyCount[0] = 3;
  table.earlyIat.set([0, 1500, 20000], 0);
  table.earlySize.set([0, 120, 1400], 0);
  const dpi = new DpiResults();
  dpi.ensure(1);
  const meta = dpi.metaOf(0);
  meta.hostname = 'www.news.example.co.uk';
  meta.fields['http'] = { method: 'GET', host: 'www.news.example.co.uk', path: '/private/page', user_agent: 'Mozilla/5.0 (X11; Linux)', status: 200 };
  meta.fields['dns'] = { query: 'a.b.example.com', answers: ['cdn1.example.net', 'cdn2.example.net', '192.0.2.1'] };
  meta.addRisk(0, 'suspicious agent Mozilla/5.0 on /private/page');
  return { table, id: 0, capture: 'x.pcap', endReason: 'end', dpi };
}

test('flow(): a copy with both addresses and every string of its DPI meta pseudonymised; the table untouched', () => {
  const p = new Pseudonymizer(KEY);
  const privacy = new OutputPrivacy(p, 'standard');
  const snapshot = new FlowSnapshot(4);
  const id = 2;
  snapshot.count = 3;
  const table = snapshot.arrays;
  const word = (s: string): number => s.split('.').reduce((a, b) => a * 256 + Number(b), 0);
  table.keys.set([(4 << 8) | 17, word('192.0.2.10'), 0, 0, 0, word('198.51.100.20'), 0, 0, 0, ((50000 << 16) | 53) >>> 0], id * 10);
  table.clientIsA[id] = 1;
  const dpi = new DpiResults();
  dpi.ensure(4);
  const meta = dpi.metaOf(id);
  meta.hostname = 'www.example.com';
  meta.fields['dns'] = { query: 'www.example.com', answers: ['cdn.example.net', '192.0.2.1', '2001:db8::1'] };
  meta.addRisk(0, 'seen from 203.0.113.9');
  const before = Array.from(table.keys);
  const view = privacy.flow({ table, id, capture: 'x.pcap', endReason: 'idle', dpi });
  assert.deepEqual(Array.from(table.keys), before);
  const k = view.table.keys.subarray(view.id * 10, view.id * 10 + 10);
  assert.equal(formatIpv4(k[1]!), v4('192.0.2.10'));
  assert.equal(formatIpv4(k[5]!), v4('198.51.100.20'));
  assert.equal(k[9], ((50000 << 16) | 53) >>> 0, 'ports kept');
  assert.equal((meta.fields['dns']!['answers'] as string[])[1], '192.0.2.1', 'the live meta keeps the real address');
  const m = view.dpi!.meta[view.id]!;
  assert.deepEqual(m.fields['dns'], { query: 'www.example.com', answers: ['cdn.example.net', v4('192.0.2.1'), p.address('2001:db8::1')] });
  assert.equal(m.hostname, 'www.example.com');
  assert.deepEqual(m.riskInfo, [`seen from ${v4('203.0.113.9')}`]);
  assert.equal(view.capture, 'x.pcap');
  assert.equal(view.endReason, 'idle');
});

test('--privacy strict: registrable domains, no paths, agents, risk explanations or early gaps; the engine keeps its values', () => {
  const v = httpFlow();
  const r = flowRecord(new OutputPrivacy(null, 'strict').flow(v));
  assert.equal(r['hostname'], 'example.co.uk');
  assert.deepEqual(r['http'], { method: 'GET', host: 'example.co.uk', status: 200 });
  assert.deepEqual(r['dns'], { query: 'example.com', answers: ['example.net', '192.0.2.1'] });
  assert.deepEqual(r['risk_info'], ['']);
  assert.equal((r['risks'] as string[]).length, 1, 'the risk itself stays');
  assert.deepEqual(r['early_iats_ms'], []);
  assert.deepEqual(r['early_sizes'], [0, 120, 1400], 'sizes are no timing vector');
  assert.equal(r['src'], '192.0.2.10', 'strict alone keeps addresses');
  const engine = flowRecord(v);
  assert.equal(engine['hostname'], 'www.news.example.co.uk');
  assert.equal((engine['http'] as Record<string, unknown>)['path'], '/private/page');
  assert.deepEqual(engine['early_iats_ms'], [0, 1.5, 20]);
  assert.equal(v.table.earlyIat[0], 0);
  assert.ok(EARLY_PACKETS >= 3);
});

test('strict and pseudonyms together', () => {
  const r = flowRecord(new OutputPrivacy(new Pseudonymizer(KEY), 'strict').flow(httpFlow()));
  assert.equal(r['src'], v4('192.0.2.10'));
  assert.deepEqual(r['dns'], { query: 'example.com', answers: ['example.net', v4('192.0.2.1')] });
  assert.equal(r['hostname'], 'example.co.uk');
});

test('registrableHost: names, names with a port, addresses', () => {
  assert.equal(registrableHost('www.example.com'), 'example.com');
  assert.equal(registrableHost('www.example.com:8443'), 'example.com:8443');
  assert.equal(registrableHost('192.0.2.1'), '192.0.2.1');
  assert.equal(registrableHost('2001:db8::1'), '2001:db8::1');
  assert.equal(registrableHost('[2001:db8::1]:443'), '[2001:db8::1]:443');
  assert.equal(registrableHost(''), '');
});
