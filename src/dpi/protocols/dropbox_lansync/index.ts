import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// Dropbox LAN sync discovery: the Dropbox client broadcasts a small JSON object on UDP port
// 17500 (from port 17500) announcing itself to other clients of the local network, with keys
// such as "host_int", "version", "displayname", "port" and "namespaces" (Dropbox's help
// pages describe LAN sync on port 17500). Named on a JSON object carrying the "host_int" key;
// the announcement's values (a host identifier, namespace ids) are not output.

export const LANSYNC_PORT = 17500;
const KEY = '"host_int"';

/** Does the datagram hold a '{' … "host_int" … '}' discovery announcement? */
export function isLanSyncAnnouncement(d: Uint8Array, off: number, len: number): boolean {
  if (len < 16 || len > 4096 || d[off] !== 0x7b) return false;
  let end = off + len - 1;
  while (end > off && (d[end] === 0x0a || d[end] === 0x0d || d[end] === 0x20)) end--;
  if (d[end] !== 0x7d) return false;
  outer: for (let i = off + 1; i + KEY.length <= off + len; i++) {
    for (let k = 0; k < KEY.length; k++) if (d[i + k] !== KEY.charCodeAt(k)) continue outer;
    return true;
  }
  return false;
}

interface State {
  announcements: number;
}

export default defineDissector<State>({
  name: 'dropbox_lansync',
  protocols: [{ name: 'Dropbox', category: 'Cloud', kind: 'application', udpPorts: [LANSYNC_PORT], tcpPorts: [LANSYNC_PORT], description: 'Dropbox (LAN sync discovery)' }],
  transports: Transport.Udp,
  firstBytes: [0x7b],
  maxPackets: 2,
  probe(d, off, len, ctx) {
    if (ctx.serverPort !== LANSYNC_PORT && ctx.clientPort !== LANSYNC_PORT) return false;
    return isLanSyncAnnouncement(d, off, len);
  },
  createState() {
    return { announcements: 0 };
  },
  inspect(s, d, off, len, ctx) {
    if (!isLanSyncAnnouncement(d, off, len)) return Verdict.NotMine;
    s.announcements++;
    ctx.setApplication(ctx.protocolId('Dropbox'));
    return Verdict.Done;
  },
});
