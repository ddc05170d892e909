import { test } from 'node:test';
import { assertCatalogOnly } from '../../../test-support/dpi-test-kit.js';
import dissector from './index.js';

// Protobuf has no wire format this dissector could check (see index.ts): the catalog knows the name,
// and DPI never names a flow with it.

test('protobuf: the catalog has Protobuf under nDPI\'s name, and DPI names no flow with it', () => {
  assertCatalogOnly(dissector, 'Protobuf', 'Network', 50999);
});
