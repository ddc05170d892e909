import { catalogOnly } from '../../api/dissector.js';

// Zug, the Casper Network's consensus protocol (nDPI: ZUG).
// Casper's documentation describes Zug's rounds (proposal, echo and vote messages) but not
// their encoding on the wire, and node traffic is carried in TLS. Catalog entry only.

export default catalogOnly('zug', [{ name: 'ZUG', category: 'Crypto_Currency', kind: 'protocol', description: "Zug, the Casper Network's consensus protocol" }]);
