import { catalogOnly } from '../../api/dissector.js';

// Targus Dataspeed speed test (nDPI: TargusDataspeed).
// No public description of its wire format was found (no time was left to search further);
// catalog entry only, with the port it is commonly listed on (TCP 5001).

export default catalogOnly('targus_dataspeed', [{ name: 'TargusDataspeed', category: 'Network', kind: 'protocol', tcpPorts: [5001], description: 'Targus Dataspeed speed test' }]);
