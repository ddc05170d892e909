import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be, u32be } from '../../helpers/text.js';

// Oracle TNS (Transparent Network Substrate, the transport under Oracle Net / SQL*Net), TCP
// 1521; public format descriptions (the Wireshark wiki's TNS page and published notes on the
// packet header). Every packet has an 8-byte header: the packet length (big-endian, header
// included), the packet checksum (in practice 0), the type (1 CONNECT, 2 ACCEPT, 3 ACK,
// 4 REFUSE, 5 REDIRECT, 6 DATA, 7 NULL, 9 ABORT, 11 RESEND, 12 MARKER, 13 ATTENTION,
// 14 CONTROL), a flags byte and the header checksum (0). Once both sides run version 315 or
// later, the length takes the first 4 bytes and the packet checksum goes.
//
// A session opens with the client's CONNECT: its version and the lowest version it is
// compatible with, service options, SDU and TDU sizes, protocol characteristics, line
// turnaround, the value 1 in the client's byte order, then the length and offset of the connect
// descriptor text "(DESCRIPTION=(CONNECT_DATA=…" (sent in a packet of its own when long). The
// listener answers ACCEPT (the version chosen, sizes, the value 1 in its byte order), REFUSE
// (reasons and an error descriptor "(DESCRIPTION=(ERR=…"), REDIRECT (an address descriptor) or
// RESEND (send the CONNECT again). Only the version and packet type are output: connect
// descriptors hold host, service and user names.

const PORT = 1521;
const HEADER = 8;
const CONNECT = 1;
const ACCEPT = 2;
const REFUSE = 4;
const REDIRECT = 5;
const DATA = 6;
const RESEND = 11;
const MARKER = 12;

const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'CONNECT', 2: 'ACCEPT', 3: 'ACK', 4: 'REFUSE', 5: 'REDIRECT', 6: 'DATA', 7: 'NULL', 9: 'ABORT',
  11: 'RESEND', 12: 'MARKER', 13: 'ATTENTION', 14: 'CONTROL',
};
/** packets of an established session: only believed on the listener's port */
const SESSION_TYPES = [3, 6, 7, 9, 12, 13, 14];

/** versions seen since SQL*Net 2 (300) are in the 300s; far outside them is not TNS */
const MIN_VERSION = 300;
const MAX_VERSION = 399;
/** the "value of 1 in hardware" field: 1 in the sender's byte order */
const isOne = (v: number): boolean => v === 0x0001 || v === 0x0100;
/** the connect descriptor's offset: past the fixed CONNECT fields (34 bytes), within reason */
const MIN_CONNECT_DATA_OFFSET = 34;
const MAX_CONNECT_DATA_OFFSET = 1024;
/** the largest SDU a version 315+ session negotiates is 2 MB */
const MAX_SESSION_PACKET = 2 * 1024 * 1024;

export interface TnsPacket {
  type: string;
  /** the version a CONNECT proposes or an ACCEPT chose */
  version?: number;
}

/** Does a descriptor (Oracle Net's parenthesised text) start at p, as far as the bytes go? */
function descriptorAt(d: Uint8Array, p: number, end: number): boolean {
  if (p >= end || d[p] !== 0x28) return false;
  for (let i = p + 1; i < Math.min(end, p + 16); i++) if (d[i]! < 0x20 || d[i]! > 0x7e) return false;
  return true;
}

/**
 * The packet header at off: length and type, as the sender framed it (16-bit length and zero
 * packet checksum, or the 32-bit length of version 315+ sessions); null when it is not a header.
 */
function header(d: Uint8Array, off: number): { length: number; type: number; wide: boolean } | null {
  const type = d[off + 4]!;
  if (TYPE_NAMES[type] === undefined || d[off + 6] !== 0 || d[off + 7] !== 0) return null;
  const short = u16be(d, off);
  const wide = short === 0;
  const length = wide ? u32be(d, off) : short;
  if (length < HEADER || (!wide && u16be(d, off + 2) !== 0)) return null;
  return { length, type, wide };
}

/**
 * The first packet of a direction's stream: null when it is not TNS, undefined when more bytes
 * are needed. `onListenerPort` lets packets of an established session count.
 */
export function tnsFirstPacket(d: Uint8Array, off: number, len: number, onListenerPort: boolean): TnsPacket | null | undefined {
  if (len < HEADER) return probePrefix(d, off, len, onListenerPort) ? undefined : null;
  const h = header(d, off);
  if (h === null) return null;
  const { length, type } = h;
  const name = TYPE_NAMES[type]!;
  const end = off + Math.min(len, length);
  const need = (n: number): boolean => len >= Math.min(n, length);
  switch (type) {
    case CONNECT: {
      if (h.wide || length < MIN_CONNECT_DATA_OFFSET) return null;
      if (!need(MIN_CONNECT_DATA_OFFSET)) return undefined;
      const version = u16be(d, off + 8);
      const compatible = u16be(d, off + 10);
      if (version < MIN_VERSION || version > MAX_VERSION || compatible < 256 || compatible > version) return null;
      if (!isOne(u16be(d, off + 22))) return null;
      const dataLength = u16be(d, off + 24);
      const dataOffset = u16be(d, off + 26);
      if (dataOffset < MIN_CONNECT_DATA_OFFSET || dataOffset > MAX_CONNECT_DATA_OFFSET) return null;
      // a long descriptor travels in the next packet: this one then ends where it would start
      if (dataOffset + dataLength > length) return dataOffset <= length ? { type: name, version } : null;
      if (dataLength === 0) return null;
      if (!need(dataOffset + 1)) return undefined;
      return descriptorAt(d, off + dataOffset, end) ? { type: name, version } : null;
    }
    case ACCEPT: {
      if (h.wide || length < 24) return null;
      if (!need(24)) return undefined;
      const version = u16be(d, off + 8);
      if (version < MIN_VERSION || version > MAX_VERSION || !isOne(u16be(d, off + 16))) return null;
      const dataLength = u16be(d, off + 18);
      const dataOffset = u16be(d, off + 20);
      if (dataLength > 0 && (dataOffset < 24 || dataOffset + dataLength > length)) return null;
      return { type: name, version };
    }
    case REFUSE: {
      // user and system reasons, then the length of the error descriptor that fills the packet
      if (h.wide || length < 12) return null;
      if (!need(12)) return undefined;
      const dataLength = u16be(d, off + 10);
      if (12 + dataLength !== length) return null;
      if (dataLength === 0) return { type: name };
      if (!need(13)) return undefined;
      return descriptorAt(d, off + 12, end) ? { type: name } : null;
    }
    case REDIRECT: {
      if (h.wide || length < 10) return null;
      if (!need(10)) return undefined;
      const dataLength = u16be(d, off + 8);
      if (dataLength === 0 || 10 + dataLength < length) return null;
      // the address may follow in a packet of its own
      if (length === 10) return onListenerPort ? { type: name } : null;
      if (!need(11)) return undefined;
      return descriptorAt(d, off + 10, end) ? { type: name } : null;
    }
    case RESEND:
      return length === HEADER && !h.wide ? { type: name } : null;
    default: {
      if (!onListenerPort) return null;
      if ((type === DATA && length < 10) || (type === MARKER && length < 10)) return null;
      // a session's packets follow one another: the stream holds this packet, then another header
      if (len < length) return length <= MAX_SESSION_PACKET ? undefined : null;
      if (len === length) return { type: name };
      if (len < length + HEADER) return undefined;
      const next = header(d, off + length);
      return next !== null && SESSION_TYPES.includes(next.type) ? { type: name } : null;
    }
  }
}

/** Could these first few bytes (fewer than a header) start a TNS packet? */
function probePrefix(d: Uint8Array, off: number, len: number, onListenerPort: boolean): boolean {
  if (len >= 5) {
    const type = d[off + 4]!;
    if (TYPE_NAMES[type] === undefined || (!onListenerPort && SESSION_TYPES.includes(type))) return false;
  }
  if (len >= 7 && d[off + 6] !== 0) return false;
  // a 16-bit length is followed by a zero checksum; a zero first half is a 32-bit length
  if (len >= 4 && u16be(d, off) !== 0 && u16be(d, off + 2) !== 0) return false;
  return true;
}

/** probe's header check (no allocation): the fixed parts of the first header */
function plausibleHeader(d: Uint8Array, off: number, len: number, onListenerPort: boolean): boolean {
  if (!probePrefix(d, off, Math.min(len, HEADER - 1), onListenerPort)) return false;
  if (len < HEADER) return true;
  if (d[off + 7] !== 0) return false;
  const type = d[off + 4]!;
  const wide = u16be(d, off) === 0;
  if (wide && !onListenerPort) return false; // only session packets have 32-bit lengths
  return (wide ? u32be(d, off) : u16be(d, off)) >= (type === CONNECT ? MIN_CONNECT_DATA_OFFSET : HEADER);
}

const onListenerPort = (ctx: { serverPort: number; clientPort: number }): boolean => ctx.serverPort === PORT || ctx.clientPort === PORT;

export default defineDissector<null>({
  name: 'oracle',
  protocols: [{ name: 'Oracle', category: 'Database', kind: 'protocol', tcpPorts: [PORT], description: 'Oracle Net (TNS), the Oracle database protocol' }],
  transports: Transport.Tcp,
  maxPackets: 8,
  fields: [
    { name: 'version', type: 'int', description: 'TNS version a CONNECT proposes or an ACCEPT chose (e.g. 314, 315, 318)' },
    { name: 'first_packet', type: 'string', description: 'type of the first TNS packet seen (CONNECT, ACCEPT, REFUSE, REDIRECT, RESEND, DATA, …)' },
  ],
  probe(d, off, len, ctx) {
    return plausibleHeader(d, off, len, onListenerPort(ctx));
  },
  createState() {
    return null;
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.gap) return Verdict.NotMine;
    const listener = onListenerPort(ctx);
    const packet = tnsFirstPacket(d, off, len, listener);
    if (packet === undefined) return Verdict.Continue;
    if (packet === null) return Verdict.NotMine;
    if (packet.type === 'RESEND' && !listener) {
      // eight bytes are too few to go on: the client's CONNECT (sent again) will tell
      return Verdict.Continue;
    }
    ctx.setProtocol(ctx.protocolId('Oracle'));
    if (packet.version !== undefined) ctx.setField('version', packet.version);
    ctx.setField('first_packet', packet.type);
    return Verdict.Done;
  },
});
