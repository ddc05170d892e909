import { catalogOnly } from '../../api/dissector.js';

// Lotus Notes / HCL Domino NRPC (nDPI: LotusNotes), IANA port 1352 ("lotusnote").
// NRPC's framing is proprietary and no documented header was reviewed in the time available;
// catalog entry only until a specification justifies a payload check.

export default catalogOnly('lotus_notes', [{ name: 'LotusNotes', category: 'Collaborative', kind: 'protocol', tcpPorts: [1352], description: 'Lotus Notes / Domino Notes remote procedure calls (NRPC)' }]);
