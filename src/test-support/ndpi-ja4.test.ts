import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ja4AsNdpi } from './ndpi-ja4.js';

test("sonde's JA4 (FoxIO) written in nDPI's variant", () => {
  // ALPN: first two characters of the joined list
  assert.equal(ja4AsNdpi('t12d1409h1_c866b44c5a26_b39be8c56a14', ['http/1.1'], 'www.google.com'), 't12d1409ht_c866b44c5a26_b39be8c56a14');
  assert.equal(ja4AsNdpi('t13d1516h2_8daaf6152771_e5627efa2ab1', ['h2', 'http/1.1'], 'example.com'), 't13d1516h2_8daaf6152771_e5627efa2ab1');
  assert.equal(ja4AsNdpi('t13d1516h2_8daaf6152771_e5627efa2ab1', ['h2'], 'example.com'), 't13d1516h0_8daaf6152771_e5627efa2ab1');
  // no SNI: 'd' for nDPI; an address as SNI: 'i'
  assert.equal(ja4AsNdpi('t12i0303h2_b6cc43fd6bad_4f3e98f48336', ['h2'], null).slice(0, 4), 't12d');
  assert.equal(ja4AsNdpi('t12d0303h2_b6cc43fd6bad_4f3e98f48336', ['h2'], '10.0.0.1').slice(0, 4), 't12i');
  // empty lists
  assert.equal(ja4AsNdpi('t10i000000_000000000000_000000000000', null, null), 't10d000000_e3b0c44298fc_e3b0c44298fc');
});
