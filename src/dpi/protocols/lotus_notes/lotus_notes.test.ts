import { test } from 'node:test';
import { assertCatalogOnly } from '../../../test-support/dpi-test-kit.js';
import dissector from './index.js';

// LotusNotes is a catalog entry (see index.ts): the catalog knows the name, and DPI never names a
// flow with it.

test('lotus_notes: the catalog has LotusNotes under nDPI\'s name, and DPI names no flow with it', () => {
  assertCatalogOnly(dissector, 'LotusNotes', 'Collaborative', 1352);
});
