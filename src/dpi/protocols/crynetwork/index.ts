import { defineDissector, Transport, Verdict } from '../../dissector.js';

// Crytek CryENGINE multiplayer network protocol (nDPI: CryNetwork).
// Crytek publishes no description of the CryENGINE network protocol on the wire (the
// CryENGINE documentation describes its programming interface only). Catalog entry only.
// The dissector names nothing: its probe never accepts a flow (no first byte is declared, so it is
// not even probed), and the ports below only serve port guesses elsewhere.

export default defineDissector<null>({
  name: 'crynetwork',
  protocols: [{ name: 'CryNetwork', category: 'Game', kind: 'protocol', description: 'Crytek CryENGINE multiplayer network protocol' }],
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
