import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// Syncthing local discovery (Syncthing's "Local Discovery Protocol v4" specification): UDP
// broadcasts (IPv4) and multicasts to ff12::8384 (IPv6) on port 21027. Each packet is the
// 32-bit magic 0x2EA7D90B then a protobuf Announce message whose first field is the 32-byte
// device id (tag 0x0A, length 0x20), then the listen addresses and an instance id. The device
// id and addresses identify a device: they are not output.

export const SYNCTHING_PORT = 21027;
export const MAGIC = 0x2ea7d90b;

export function isAnnouncement(d: Uint8Array, off: number, len: number): boolean {
  return len >= 4 + 2 + 32 && len <= 1472 && u32be(d, off) === MAGIC && d[off + 4] === 0x0a && d[off + 5] === 0x20;
}

interface State {
  announcements: number;
}

export default defineDissector<State>({
  name: 'syncthing_discovery',
  protocols: [{ name: 'Syncthing', category: 'Download', kind: 'protocol', udpPorts: [SYNCTHING_PORT], tcpPorts: [22000], description: 'Syncthing (local discovery)' }],
  transports: Transport.Udp,
  firstBytes: [0x2e],
  maxPackets: 1,
  probe(d, off, len) {
    return isAnnouncement(d, off, len);
  },
  createState() {
    return { announcements: 0 };
  },
  inspect(s, d, off, len, ctx) {
    if (!isAnnouncement(d, off, len)) return Verdict.NotMine;
    s.announcements++;
    ctx.setProtocol(ctx.protocolId('Syncthing'));
    return Verdict.Done;
  },
});
