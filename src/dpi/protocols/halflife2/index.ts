import { catalogOnly } from '../../api/dissector.js';

// Half-Life 2 and its mods (nDPI: HalfLife2). nDPI 4.11 keeps this name beside Source_Engine for
// an older rule on the same engine's traffic; Valve's "Server queries" page describes one
// protocol, A2S, which source_a2s names Source_Engine. No separate Half-Life 2 wire format is
// described anywhere, so the name is known to the catalog and DPI never gives it.

export default catalogOnly('halflife2', [{ name: 'HalfLife2', category: 'Game', kind: 'protocol', description: 'Half-Life 2 and mods (named Source_Engine from their A2S queries)' }]);
