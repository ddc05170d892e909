import { defineDissector, Transport, Verdict } from '../../dissector.js';

// Zug, the Casper Network's consensus protocol (nDPI: ZUG).
// Casper's documentation describes Zug's rounds (proposal, echo and vote messages) but not
// their encoding on the wire, and node traffic is carried in TLS. Catalog entry only.
// The dissector names nothing: its probe never accepts a flow (no first byte is declared, so it is
// not even probed), and the ports below only serve port guesses elsewhere.

export default defineDissector<null>({
  name: 'zug',
  protocols: [{ name: 'ZUG', category: 'Crypto_Currency', kind: 'protocol', description: "Zug, the Casper Network's consensus protocol" }],
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
