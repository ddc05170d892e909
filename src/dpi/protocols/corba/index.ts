import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be, u16le, u32be, u32le } from '../../helpers/text.js';

// CORBA's General Inter-ORB Protocol (OMG CORBA 3.x part 2, §9.4 "GIOP Message Formats"): every
// message starts with a 12-byte header — magic "GIOP", version major 1 and minor 0–3, flags
// (bit 0 little endian, bit 1 more fragments follow, the rest zero; in 1.0 a boolean byte
// order), message type (0 Request … 7 Fragment) and the size of the rest in the sender's byte
// order. MIOP (OMG "Unreliable Multicast", §29.3) carries GIOP over UDP behind its own header:
// magic "MIOP", version 1.0 (0x10), flags, packet length (16 bits). IIOP is GIOP over TCP.

interface State {
  done: boolean;
}

const TYPES = ['Request', 'Reply', 'CancelRequest', 'LocateRequest', 'LocateReply', 'CloseConnection', 'MessageError', 'Fragment'];

/** a GIOP header at data[off]: the message type and total size, null when not, undefined: short */
export function giopHeader(d: Uint8Array, off: number, len: number): { type: number; size: number; minor: number } | null | undefined {
  for (let i = 0; i < 4 && i < len; i++) if (d[off + i] !== 'GIOP'.charCodeAt(i)) return null;
  if (len < 12) return undefined;
  const minor = d[off + 5]!;
  const flags = d[off + 6]!;
  const type = d[off + 7]!;
  if (d[off + 4] !== 1 || minor > 3) return null;
  if (minor === 0 ? flags > 1 : (flags & 0xfc) !== 0) return null;
  if (type > 7 || (minor === 0 && type > 6)) return null;
  const size = flags & 1 ? u32le(d, off + 8) : u32be(d, off + 8);
  if (size > 0x1000000) return null;
  return { type, size: size + 12, minor };
}

/**
 * MIOP packet header (MIOP 1.0): magic, version, flags, the length of the GIOP data it carries,
 * packet number, number of packets, the packet's Id (sequence<octet>). Returns where the GIOP
 * data starts, or null.
 */
export function miopHeader(d: Uint8Array, off: number, len: number): number | null {
  if (len < 20) return null;
  for (let i = 0; i < 4; i++) if (d[off + i] !== 'MIOP'.charCodeAt(i)) return null;
  if (d[off + 4] !== 0x10 || (d[off + 5]! & 0xfc) !== 0) return null;
  const le = (d[off + 5]! & 1) === 1;
  const plen = le ? u16le(d, off + 6) : u16be(d, off + 6);
  const idLen = le ? u32le(d, off + 16) : u32be(d, off + 16);
  if (idLen > 252) return null; // MIOP Ids are at most 252 octets
  // the data follows the Id, aligned on 8 from the packet start (§29.3.2) or not
  for (const g of [(20 + idLen + 7) & ~7, 20 + idLen]) if (g + plen === len) return g;
  return null;
}

export default defineDissector<State>({
  name: 'corba',
  protocols: [{ name: 'Corba', category: 'RPC', kind: 'protocol', tcpPorts: [683], description: 'CORBA GIOP/IIOP (and MIOP over UDP)' }],
  transports: Transport.Tcp | Transport.Udp,
  firstBytes: [0x47, 0x4d],
  maxPackets: 3,
  fields: [{ name: 'message_type', type: 'string', description: 'the first GIOP message type (Request, Reply, LocateRequest…)' }],
  probe(d, off, len, ctx) {
    if (len < 1) return false;
    return d[off] === 0x47 || (ctx.l4 === 17 && d[off] === 0x4d);
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.gap) return Verdict.NotMine;
    if (ctx.l4 === 17 && d[off] === 0x4d) {
      const g = miopHeader(d, off, len);
      if (g === null) return Verdict.NotMine;
      // the first packet of a message holds its GIOP header
      const h = giopHeader(d, off + g, len - g);
      if (!h) return Verdict.NotMine;
      ctx.setProtocol(ctx.protocolId('Corba'));
      ctx.setField('message_type', TYPES[h.type]!);
      return Verdict.Done;
    }
    const h = giopHeader(d, off, len);
    if (h === undefined) return Verdict.Continue;
    if (h === null) return Verdict.NotMine;
    // TCP: the next message (when there are bytes past this one) must be GIOP too
    if (ctx.l4 === 6 && len > h.size && giopHeader(d, off + h.size, len - h.size) === null) return Verdict.NotMine;
    if (ctx.l4 === 17 && h.size !== len) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Corba'));
    ctx.setField('message_type', TYPES[h.type]!);
    return Verdict.Done;
  },
});
