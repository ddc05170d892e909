import { test } from 'node:test';
import { assertCatalogOnly } from '../../../test-support/dpi-test-kit.js';
import dissector from './index.js';

// NOE has no wire format this dissector could check (see index.ts): the catalog knows the name,
// and DPI never names a flow with it.

test('noe: the catalog has NOE under nDPI\'s name, and DPI names no flow with it', () => {
  assertCatalogOnly(dissector, 'NOE', 'VoIP', 50999);
});
