import { defineDissector, Transport, Verdict } from '../../dissector.js';

// Smilegate's CrossFire online shooter (nDPI: Crossfire).
// Smilegate publishes no description of CrossFire's game protocol and no public write-up
// gives a checkable structure. Catalog entry only.
// The dissector names nothing: its probe never accepts a flow (no first byte is declared, so it is
// not even probed), and the ports below only serve port guesses elsewhere.

export default defineDissector<null>({
  name: 'crossfire',
  protocols: [{ name: 'Crossfire', category: 'Game', kind: 'protocol', description: "Smilegate's CrossFire online shooter" }],
  transports: Transport.Tcp | Transport.Udp,
  // no first byte can start it: the engine never probes this dissector
  firstBytes: [],
  probe() {
    return false;
  },
  createState() {
    return null;
  },
  inspect() {
    return Verdict.NotMine;
  },
});
