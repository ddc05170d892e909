import { test } from 'node:test';
import { assertCatalogOnly } from '../../../test-support/dpi-test-kit.js';
import dissector from './index.js';

// Guildwars has no public wire format description (see index.ts): the catalog knows the name, and
// DPI never names a flow with it.

test('guildwars: the catalog has Guildwars under nDPI\'s name, and DPI names no flow with it', () => {
  assertCatalogOnly(dissector, 'Guildwars', 'Game', 6112);
});
