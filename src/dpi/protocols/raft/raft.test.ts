import { test } from 'node:test';
import { assertCatalogOnly } from '../../../test-support/dpi-test-kit.js';
import dissector from './index.js';

// Raft has no wire format this dissector could check (see index.ts): the catalog knows the name,
// and DPI never names a flow with it.

test('raft: the catalog has Raft under nDPI\'s name, and DPI names no flow with it', () => {
  assertCatalogOnly(dissector, 'Raft', 'Network', 50999);
});
