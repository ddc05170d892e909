import { test } from 'node:test';
import { assertCatalogOnly } from '../../../test-support/dpi-test-kit.js';
import dissector from './index.js';

// i3D has no public wire format description (see index.ts): the catalog knows the name, and
// DPI never names a flow with it.

test('i3d: the catalog has i3D under nDPI\'s name, and DPI names no flow with it', () => {
  assertCatalogOnly(dissector, 'i3D', 'Game', 50999);
});
