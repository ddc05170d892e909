import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRiskTable, RISKS, riskIndex } from './risks.js';

// Risks are declared where they are raised: core ones in dpi/api/risks.ts, a protocol's own in its folder.

test("the risk table holds the core risks, then each folder's own", () => {
  const names = RISKS.map((r) => r.name);
  assert.equal(new Set(names).size, names.length);
  assert.ok(names.indexOf('weak_tls_cipher') > names.indexOf('unidirectional_traffic'), 'a folder risk comes after the core ones');
  for (const n of ['weak_tls_cipher', 'large_dns_packet', 'url_possible_xss', 'obsolete_ssh_version', 'missing_sni']) assert.equal(RISKS[riskIndex(n)]!.name, n);
  assert.throws(() => riskIndex('no_such_risk'), /unknown risk 'no_such_risk'/);
});

test('a risk declared twice is refused, whether by two folders or by a folder and the core', () => {
  const risk = { name: 'acme_weak_mode', severity: 'low', description: 'x' } as const;
  assert.equal(buildRiskTable([{ name: 'acme', risks: [risk] }]).at(-1)!.name, 'acme_weak_mode');
  assert.throws(() => buildRiskTable([{ name: 'acme', risks: [risk] }, { name: 'other', risks: [risk] }]), /dpi\/protocols\/other: risk 'acme_weak_mode' is already declared by dpi\/protocols\/acme/);
  assert.throws(() => buildRiskTable([{ name: 'acme', risks: [{ ...risk, name: 'missing_sni' }] }]), /already declared by dpi\/api\/risks\.ts/);
});
