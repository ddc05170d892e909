import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// NetBIOS over TCP/IP (RFC 1002): the name service (UDP 137, DNS-like header with names in
// "first-level encoding": a 0x20 length, then 32 letters 'A'..'P'), the datagram service (UDP
// 138, a header then source and destination names, often carrying SMB browser announcements)
// and the session service (TCP 139: session request 0x81 with two encoded names).

interface State {
  seen: boolean;
}

/** is there a first-level encoded name (0x20, 32 × 'A'..'P', scope labels, 0) at i? its end, or -1 */
export function encodedNameEnd(d: Uint8Array, i: number, end: number): number {
  if (i + 34 > end || d[i] !== 0x20) return -1;
  for (let k = 1; k <= 32; k++) {
    const c = d[i + k]!;
    if (c < 0x41 || c > 0x50) return -1;
  }
  let p = i + 33;
  // scope id: DNS-style labels
  for (let n = 0; n < 16 && p < end; n++) {
    const l = d[p]!;
    if (l === 0) return p + 1;
    if (l > 63) return -1;
    p += 1 + l;
  }
  return -1;
}

/** the NetBIOS name (without the suffix byte, trimmed) from the encoded name at i */
export function decodeName(d: Uint8Array, i: number): { name: string; suffix: number } {
  let name = '';
  for (let k = 0; k < 16; k++) {
    const c = ((d[i + 1 + 2 * k]! - 0x41) << 4) | (d[i + 2 + 2 * k]! - 0x41);
    if (k < 15) name += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '';
    else return { name: name.trimEnd(), suffix: c };
  }
  return { name, suffix: 0 };
}

function nameService(d: Uint8Array, off: number, len: number): number {
  if (len < 12 + 34 + 4) return -1;
  const flags = u16be(d, off + 2);
  const opcode = (flags >> 11) & 0xf;
  if (![0, 5, 6, 7, 8, 9].includes(opcode)) return -1;
  const qd = u16be(d, off + 4);
  const an = u16be(d, off + 6);
  const ns = u16be(d, off + 8);
  const ar = u16be(d, off + 10);
  if (qd > 1 || an > 1 || ns > 1 || ar > 1 || qd + an === 0) return -1;
  const end = encodedNameEnd(d, off + 12, off + len);
  if (end < 0 || end + 4 > off + len) return -1;
  const type = u16be(d, end);
  const cls = u16be(d, end + 2);
  if ((type !== 0x20 && type !== 0x21) || cls !== 1) return -1;
  return off + 12;
}

function datagramService(d: Uint8Array, off: number, len: number): number {
  if (len < 14) return -1;
  const type = d[off]!;
  if (type < 0x10 || type > 0x16) return -1;
  if (type === 0x13) return len === 11 ? off : -1; // error: header + code
  if (type >= 0x14) return encodedNameEnd(d, off + 10, off + len) > 0 ? off + 10 : -1;
  const dgmLen = u16be(d, off + 10);
  if (dgmLen + 14 > len + 64 || dgmLen < 68) return -1;
  const src = encodedNameEnd(d, off + 14, off + len);
  if (src < 0 || encodedNameEnd(d, src, off + len) < 0) return -1;
  return off + 14;
}

export default defineDissector<State>({
  name: 'netbios',
  protocols: [
    { name: 'NetBIOS', category: 'System', kind: 'protocol', tcpPorts: [139], udpPorts: [137, 138], description: 'NetBIOS over TCP/IP name, datagram and session services' },
    { name: 'SMBv1', category: 'System', kind: 'protocol', description: 'Server Message Block version 1 (CIFS); TCP 445 is guessed as SMB 2/3, what it carries today' },
  ],
  transports: Transport.Tcp | Transport.Udp,
  maxPackets: 4,
  fields: [
    { name: 'service', type: 'string', description: 'name, datagram or session' },
    { name: 'name', type: 'string', description: 'the NetBIOS name queried, registered or called', privacy: 'identifying' },
  ],
  probe(d, off, len, ctx) {
    if (ctx.l4 === 6) return len >= 4 && (d[off] === 0x81 || d[off] === 0x82 || d[off] === 0x83) && d[off + 1]! <= 1;
    return nameService(d, off, len) >= 0 || datagramService(d, off, len) >= 0;
  },
  createState() {
    return { seen: false };
  },
  inspect(s, d, off, len, ctx) {
    if (ctx.l4 === 6) {
      // session packet: type, flags (bit 0 extends the length), length
      if (len < 4) return Verdict.Continue;
      const type = d[off]!;
      const plen = ((d[off + 1]! & 1) << 16) | u16be(d, off + 2);
      if (type === 0x81) {
        if (plen < 68 || plen > 600) return Verdict.NotMine;
        if (len < 4 + 34) return Verdict.Continue;
        const called = encodedNameEnd(d, off + 4, off + len);
        if (called < 0) return len >= 4 + plen ? Verdict.NotMine : Verdict.Continue;
        ctx.setProtocol(ctx.protocolId('NetBIOS'));
        ctx.setField('service', 'session');
        const n = decodeName(d, off + 4).name;
        if (n && n !== '*SMBSERVER') ctx.setField('name', n);
        return Verdict.Done;
      }
      if ((type === 0x82 || type === 0x83) && ctx.dir === 1 && plen <= 1) {
        ctx.setProtocol(ctx.protocolId('NetBIOS'));
        ctx.setField('service', 'session');
        return Verdict.Done;
      }
      return Verdict.NotMine;
    }
    let at = nameService(d, off, len);
    let service = 'name';
    if (at < 0) {
      at = datagramService(d, off, len);
      service = 'datagram';
    }
    if (at < 0) return s.seen ? Verdict.Done : Verdict.NotMine;
    s.seen = true;
    ctx.setProtocol(ctx.protocolId('NetBIOS'));
    ctx.setField('service', service);
    const n = decodeName(d, at).name;
    if (n && !n.startsWith('\x01')) {
      ctx.setField('name', n);
      // the name a query looks up is the flow's host name, as a DNS query's is; names a host
      // registers or announces for itself are not (they would tie the traffic to a device)
      const query = service === 'name' && (u16be(d, off + 2) & 0xf800) === 0;
      if (query) ctx.setHostname(n.toLowerCase());
    }
    if (service === 'datagram' && d[off]! <= 0x12) {
      // user data after the two names: SMB browser / mailslot messages
      const src = encodedNameEnd(d, off + 14, off + len);
      const dst = encodedNameEnd(d, src, off + len);
      if (dst > 0 && dst + 4 <= off + len && d[dst] === 0xff && d[dst + 1] === 0x53 && d[dst + 2] === 0x4d && d[dst + 3] === 0x42) {
        ctx.setProtocol(ctx.protocolId('SMBv1'));
      }
    }
    return Verdict.Done;
  },
});
