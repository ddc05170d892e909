import { defineDissector, Transport, Verdict } from '../../dissector.js';

// ArenaNet's Guild Wars game protocol (nDPI: Guildwars).
// ArenaNet publishes no description of the Guild Wars wire format (only the firewall ports
// in its support pages: TCP 6112). Catalog entry only.
// The dissector names nothing: its probe never accepts a flow (no first byte is declared, so it is
// not even probed), and the ports below only serve port guesses elsewhere.

export default defineDissector<null>({
  name: 'guildwars',
  protocols: [{ name: 'Guildwars', category: 'Game', kind: 'protocol', tcpPorts: [6112], description: "ArenaNet's Guild Wars game protocol" }],
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
