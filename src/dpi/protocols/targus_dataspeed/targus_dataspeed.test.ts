import { test } from 'node:test';
import { assertCatalogOnly } from '../../../test-support/dpi-test-kit.js';
import dissector from './index.js';

// TargusDataspeed has no public wire format description (see index.ts): the catalog knows the
// name, and DPI never names a flow with it.

test('targus_dataspeed: the catalog has TargusDataspeed under nDPI\'s name, and DPI names no flow with it', () => {
  assertCatalogOnly(dissector, 'TargusDataspeed', 'Network', 5001);
});
