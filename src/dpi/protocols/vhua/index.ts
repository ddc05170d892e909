import { catalogOnly } from '../../api/dissector.js';

// VHua voice and messaging application (nDPI: VHUA).
// No public description of VHua's wire format was found. Catalog entry only.

export default catalogOnly('vhua', [{ name: 'VHUA', category: 'VoIP', kind: 'protocol', description: 'VHua voice and messaging application' }]);
