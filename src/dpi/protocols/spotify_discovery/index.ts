import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { startsWithAscii } from '../../helpers/text.js';

// Spotify's local network discovery: desktop and mobile clients broadcast datagrams on UDP
// port 57621 (source and destination) that start with the ASCII magic "SpotUdp0" (the port and
// magic are widely documented in firewall and home-network notes about Spotify). What follows
// (device identifiers) is not output.

export const SPOTIFY_PORT = 57621;
const MAGIC = 'SpotUdp0';

export function isSpotifyDiscovery(d: Uint8Array, off: number, len: number): boolean {
  return len >= MAGIC.length + 4 && len <= 1472 && startsWithAscii(d, off, len, MAGIC);
}

interface State {
  announcements: number;
}

export default defineDissector<State>({
  name: 'spotify_discovery',
  protocols: [{ name: 'Spotify', category: 'Music', kind: 'application', description: 'Spotify (local network discovery)' }],
  transports: Transport.Udp,
  firstBytes: [0x53],
  maxPackets: 1,
  probe(d, off, len) {
    return isSpotifyDiscovery(d, off, len);
  },
  createState() {
    return { announcements: 0 };
  },
  inspect(s, d, off, len, ctx) {
    if (!isSpotifyDiscovery(d, off, len)) return Verdict.NotMine;
    s.announcements++;
    ctx.setApplication(ctx.protocolId('Spotify'));
    return Verdict.Done;
  },
});
