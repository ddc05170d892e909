import { catalogOnly } from '../../api/dissector.js';

// Alcatel-Lucent New Office Environment, the signalling of its IP desk phones (nDPI: NOE).
// Alcatel-Lucent has published no description of NOE's messages.
// Catalog entry only.

export default catalogOnly('noe', [{ name: 'NOE', category: 'VoIP', kind: 'protocol', description: "Alcatel-Lucent New Office Environment, the signalling of its IP desk phones" }]);
