import { test } from 'node:test';
import { assertCatalogOnly } from '../../../test-support/dpi-test-kit.js';
import dissector from './index.js';

// Softether has no wire format this dissector could check (see index.ts): the catalog knows the name,
// and DPI never names a flow with it.

test('softether: the catalog has Softether under nDPI\'s name, and DPI names no flow with it', () => {
  assertCatalogOnly(dissector, 'Softether', 'VPN', 50999);
});
