import { catalogOnly } from '../../api/dissector.js';

// Raft consensus replication traffic (nDPI: Raft).
// Raft (Ongaro and Ousterhout) is an algorithm, not a wire format: each implementation frames its RPCs its own way, so no byte pattern names Raft as such.
// Catalog entry only.

export default catalogOnly('raft', [{ name: 'Raft', category: 'Network', kind: 'protocol', description: "Raft consensus replication traffic" }]);
