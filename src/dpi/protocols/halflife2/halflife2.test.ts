import { test } from 'node:test';
import { assertCatalogOnly } from '../../../test-support/dpi-test-kit.js';
import dissector from './index.js';

// HalfLife2 is nDPI's older name for Source-engine traffic, which sonde names Source_Engine (see
// index.ts): the catalog knows the name, and DPI never names a flow with it.

test('halflife2: the catalog has HalfLife2 under nDPI\'s name, and DPI names no flow with it', () => {
  assertCatalogOnly(dissector, 'HalfLife2', 'Game', 50999);
});
