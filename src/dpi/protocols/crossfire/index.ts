import { catalogOnly } from '../../api/dissector.js';

// Smilegate's CrossFire online shooter (nDPI: Crossfire).
// Smilegate publishes no description of CrossFire's game protocol and no public write-up
// gives a checkable structure. Catalog entry only.

export default catalogOnly('crossfire', [{ name: 'Crossfire', category: 'Game', kind: 'protocol', description: "Smilegate's CrossFire online shooter" }]);
