import { catalogOnly } from '../../api/dissector.js';

// Protocol Buffers messages sent bare over a transport (nDPI: Protobuf).
// Protocol Buffers define an encoding, not a framing: a bare message is a run of tag-length-value fields that any binary payload can resemble, so naming it from bytes alone would misname other traffic.
// Catalog entry only.

export default catalogOnly('protobuf', [{ name: 'Protobuf', category: 'Network', kind: 'protocol', description: "Protocol Buffers messages sent bare over a transport" }]);
