import { test } from 'node:test';
import { assertCatalogOnly } from '../../../test-support/dpi-test-kit.js';
import dissector from './index.js';

// SteamDatagramRelay has no wire format this dissector could check (see index.ts): the catalog knows the name,
// and DPI never names a flow with it.

test('steam_datagram_relay: the catalog has SteamDatagramRelay under nDPI\'s name, and DPI names no flow with it', () => {
  assertCatalogOnly(dissector, 'SteamDatagramRelay', 'Game', 50999);
});
