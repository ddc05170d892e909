import { catalogOnly } from '../../api/dissector.js';

// Ankama's Dofus MMORPG client-server protocol (nDPI: Dofus).
// Ankama publishes no description of the Dofus wire format. Community reverse-engineering notes
// describe the Dofus 2 message header (message id and length-size bits, then the length) of
// clients since replaced by the Unity one; they were not turned into a dissector in this round
// (not checked against captures of the current game). Catalog entry only, with the port the
// game servers are known to use (TCP 5555).

export default catalogOnly('dofus', [{ name: 'Dofus', category: 'Game', kind: 'protocol', tcpPorts: [5555], description: "Ankama's Dofus MMORPG client-server protocol" }]);
