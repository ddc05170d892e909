import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PublicSuffixList, publicSuffixes } from './public-suffix.js';

// Cases from the list's own description of its algorithm (https://publicsuffix.org/list/), on the
// shipped list, and on a small list whose every rule kind is known.

test('registrable domains on the shipped list', () => {
  const psl = publicSuffixes();
  const cases: [string, string][] = [
    ['www.example.com', 'example.com'],
    ['example.com', 'example.com'],
    ['a.b.c.example.com', 'example.com'],
    ['WWW.Example.COM.', 'example.com'],
    ['www.bbc.co.uk', 'bbc.co.uk'],
    ['bbc.co.uk', 'bbc.co.uk'],
    ['co.uk', 'co.uk'],
    ['foo.github.io', 'foo.github.io'],
    ['www.city.kobe.jp', 'city.kobe.jp'],
    ['b.c.kobe.jp', 'b.c.kobe.jp'],
    ['a.b.c.kobe.jp', 'b.c.kobe.jp'],
    ['www.example.unknowntld', 'example.unknowntld'],
    ['localhost', 'localhost'],
    ['xn--85x722f.xn--55qx5d.cn', 'xn--85x722f.xn--55qx5d.cn'],
  ];
  for (const [host, expected] of cases) assert.equal(psl.registrableDomain(host), expected, host);
});

test('rules, wildcards and exceptions', () => {
  const psl = new PublicSuffixList('// comment\ncom\n*.ck\n!www.ck\nuk\nco.uk\n');
  assert.equal(psl.publicSuffix('a.example.com'), 'com');
  assert.equal(psl.publicSuffix('a.foo.ck'), 'foo.ck');
  assert.equal(psl.registrableDomain('a.b.foo.ck'), 'b.foo.ck');
  assert.equal(psl.publicSuffix('www.ck'), 'ck');
  assert.equal(psl.registrableDomain('a.www.ck'), 'www.ck');
  assert.equal(psl.registrableDomain('x.y.co.uk'), 'y.co.uk');
  assert.equal(psl.registrableDomain('x.y.zz'), 'y.zz', 'no rule: the last label is the suffix');
});
