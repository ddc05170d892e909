import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { readLine, startsWithAscii } from '../../helpers/text.js';

// SSDP (UPnP Device Architecture 2.0 §1): HTTP-formatted datagrams over UDP 1900. "M-SEARCH *
// HTTP/1.1" searches, "NOTIFY * HTTP/1.1" advertises, unicast "HTTP/1.1 200 OK" answers a
// search (with ST and USN headers).

interface State {
  done: boolean;
}

const STARTS = ['M-SEARCH * HTTP/1.', 'NOTIFY * HTTP/1.', 'HTTP/1.1 200'];

export function ssdpStart(data: Uint8Array, off: number, len: number): number {
  for (let i = 0; i < STARTS.length; i++) {
    const s = STARTS[i]!;
    if (startsWithAscii(data, off, Math.min(len, s.length), s.slice(0, Math.min(len, s.length))) && len >= s.length) return i;
  }
  return -1;
}

export default defineDissector<State>({
  name: 'ssdp',
  protocols: [{ name: 'SSDP', category: 'System', kind: 'protocol', udpPorts: [1900], description: 'Simple Service Discovery Protocol (UPnP)' }],
  transports: Transport.Udp,
  firstBytes: [0x4d, 0x4e, 0x48],
  maxPackets: 2,
  fields: [
    { name: 'method', type: 'string', description: 'M-SEARCH, NOTIFY or RESPONSE' },
    { name: 'target', type: 'string', description: 'the search target (ST) or notification type (NT)' },
    { name: 'user_agent', type: 'string', description: 'the USER-AGENT or SERVER header', privacy: 'identifying' },
  ],
  probe(data, off, len) {
    return ssdpStart(data, off, len) >= 0;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, data, off, len, ctx) {
    const kind = ssdpStart(data, off, len);
    if (kind < 0) return Verdict.NotMine;
    // a 200 answer is SSDP only with SSDP headers on port 1900
    let pos = 0;
    let target: string | null = null;
    let agent: string | null = null;
    let host: string | null = null;
    let usn = false;
    for (let n = 0; n < 40; n++) {
      const line = readLine(data, off, len, pos, 2048);
      if (!line || line.text === '') break;
      pos = line.next;
      const colon = line.text.indexOf(':');
      if (colon <= 0) continue;
      const name = line.text.slice(0, colon).trim().toUpperCase();
      const value = line.text.slice(colon + 1).trim();
      if (name === 'ST' || name === 'NT') target = value.slice(0, 200);
      else if (name === 'HOST') host = value.slice(0, 200);
      else if (name === 'USER-AGENT' || name === 'SERVER') agent = value.slice(0, 200);
      else if (name === 'USN') usn = true;
    }
    if (kind === 2 && !(usn && target !== null && (ctx.serverPort === 1900 || ctx.clientPort === 1900))) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('SSDP'));
    ctx.setField('method', kind === 0 ? 'M-SEARCH' : kind === 1 ? 'NOTIFY' : 'RESPONSE');
    if (target !== null) ctx.setField('target', target);
    // the multicast group and port a request is for (239.255.255.250:1900, [ff02::c]:1900)
    if (host !== null && kind !== 2) ctx.setHostname(host);
    if (agent !== null) ctx.setField('user_agent', agent);
    return Verdict.Done;
  },
});
