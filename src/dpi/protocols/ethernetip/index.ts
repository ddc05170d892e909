import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16le, u32le } from '../../helpers/text.js';

// EtherNet/IP encapsulation (ODVA, The CIP Networks Library Vol. 2, chapter 2 "Encapsulation
// Protocol", and §2-6 Common Packet Format), TCP and UDP 44818. Every message starts with a
// 24-byte little-endian header: command u16, length u16 (bytes after the header), session
// handle u32, status u32, sender context (8 bytes, echoed by the target), options u32 (0).
// - RegisterSession (0x65): data is protocol version 1 and option flags 0; the request carries
//   session handle 0, the reply the handle the target assigned.
// - ListIdentity 0x63, ListServices 0x04, ListInterfaces 0x64: the request has no data, the
//   reply an item count and Common Packet Format items (identity 0x0C, communications 0x100).
// - SendRRData 0x6F / SendUnitData 0x70: interface handle u32, timeout u16, then a CPF whose
//   address item and data item (0x00B2 unconnected, 0x00B1 connected) carry CIP.
// - NOP 0x00 and UnRegisterSession 0x66 have little to check: only on port 44818.
// Implicit I/O (UDP 2222) has no encapsulation header and is not recognised here.

const HEADER = 24;
const PORT = 44818;

const COMMANDS: ReadonlyMap<number, string> = new Map([
  [0x0000, 'NOP'],
  [0x0004, 'ListServices'],
  [0x0063, 'ListIdentity'],
  [0x0064, 'ListInterfaces'],
  [0x0065, 'RegisterSession'],
  [0x0066, 'UnRegisterSession'],
  [0x006f, 'SendRRData'],
  [0x0070, 'SendUnitData'],
  [0x0072, 'IndicateStatus'],
  [0x0073, 'Cancel'],
]);

/** status codes Vol. 2 §2-3.3 defines (0 success; the rest are error replies) */
const STATUSES = new Set([0x0000, 0x0001, 0x0002, 0x0003, 0x0064, 0x0065, 0x0069]);

/** CPF item types of Vol. 2 §2-6: null, identity, connected address, connected / unconnected data, services, sockaddr O→T / T→O, sequenced address */
const ITEM_TYPES = new Set([0x0000, 0x000c, 0x00a1, 0x00b1, 0x00b2, 0x0100, 0x8000, 0x8001, 0x8002]);

const CIP_DATA_ITEMS = new Set([0x00b1, 0x00b2]);

export interface Encapsulation {
  command: string;
  /** enough on its own, whatever the port */
  strong: boolean;
  /** a CPF data item that carries CIP */
  cip: boolean;
}

/** walks a CPF: count u16 then items exactly filling [p, end); the item types, or null */
function cpfItems(d: Uint8Array, p: number, end: number): number[] | null {
  if (p + 2 > end) return null;
  const count = u16le(d, p);
  p += 2;
  const types: number[] = [];
  for (let i = 0; i < count; i++) {
    if (p + 4 > end) return null;
    const type = u16le(d, p);
    const n = u16le(d, p + 2);
    if (!ITEM_TYPES.has(type)) return null;
    p += 4 + n;
    if (p > end) return null;
    types.push(type);
  }
  return p === end ? types : null;
}

/**
 * The encapsulation message at the start of d[off..off+len): undefined while incomplete, null
 * when it contradicts the specification.
 */
export function parseEncapsulation(d: Uint8Array, off: number, len: number): Encapsulation | null | undefined {
  if (len < 2) return undefined;
  const code = u16le(d, off);
  const command = COMMANDS.get(code);
  if (command === undefined) return null;
  if (len < HEADER) return undefined;
  const length = u16le(d, off + 2);
  const session = u32le(d, off + 4);
  const status = u32le(d, off + 8);
  if (u32le(d, off + 20) !== 0 || !STATUSES.has(status)) return null;
  if (len < HEADER + length) return undefined;
  const p = off + HEADER;
  const end = p + length;
  const weak = { command, strong: false, cip: false };
  switch (code) {
    case 0x0065: {
      if (length === 0 && status !== 0) return weak; // refused without data
      if (length !== 4 || u16le(d, p) !== 1 || u16le(d, p + 2) !== 0) return null;
      // a request has no handle yet; a successful reply has one
      return { command, strong: true, cip: false };
    }
    case 0x0063:
    case 0x0004:
    case 0x0064: {
      if (length === 0) return session === 0 && status === 0 ? weak : null;
      const items = cpfItems(d, p, end);
      if (items === null) return null;
      const expected = code === 0x0063 ? 0x000c : code === 0x0004 ? 0x0100 : -1;
      if (expected >= 0 && (items.length === 0 || items.some((t) => t !== expected))) return null;
      return { command, strong: items.length > 0, cip: false };
    }
    case 0x006f:
    case 0x0070: {
      if (length === 0 && status !== 0) return weak;
      if (session === 0 || length < 8) return null;
      const items = cpfItems(d, p + 6, end);
      // an address item then a data item at least (Vol. 2 §2-6.1)
      if (items === null || items.length < 2) return null;
      return { command, strong: true, cip: items.some((t) => CIP_DATA_ITEMS.has(t)) };
    }
    case 0x0066:
      return length === 0 && session !== 0 ? weak : null;
    default:
      return weak;
  }
}

type State = Record<string, never>;

export default defineDissector<State>({
  name: 'ethernetip',
  protocols: [
    {
      name: 'EthernetIP', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [PORT], udpPorts: [PORT],
      description: 'ODVA EtherNet/IP encapsulation (CIP over TCP/UDP)',
    },
  ],
  transports: Transport.Tcp | Transport.Udp,
  firstBytes: [0x00, 0x04, 0x63, 0x64, 0x65, 0x66, 0x6f, 0x70, 0x72, 0x73],
  // a first message may come in many small segments
  maxPackets: 30,
  fields: [
    { name: 'command', type: 'string', description: 'encapsulation command of the first recognised message: RegisterSession, ListIdentity, SendRRData…' },
    { name: 'cip', type: 'bool', description: 'true when that message carries CIP (a CPF connected or unconnected data item)' },
  ],
  probe(d, off, len) {
    if (len >= 2 && !COMMANDS.has(u16le(d, off))) return false;
    return len < HEADER || u32le(d, off + 20) === 0;
  },
  createState() {
    return {};
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.gap) return Verdict.NotMine;
    const onPort = ctx.serverPort === PORT || ctx.clientPort === PORT;
    let p = 0;
    // a TCP stream may start with messages too weak on their own (NOP, an empty ListIdentity)
    for (let messages = 0; messages < 4 && p < len; messages++) {
      const m = parseEncapsulation(d, off + p, len - p);
      if (m === undefined) return Verdict.Continue;
      if (m === null) return Verdict.NotMine;
      if (ctx.l4 === 17 && p + HEADER + u16le(d, off + p + 2) !== len) return Verdict.NotMine; // one message per datagram
      if (m.strong || onPort) {
        ctx.setProtocol(ctx.protocolId('EthernetIP'));
        ctx.setField('command', m.command);
        if (m.cip) ctx.setField('cip', true);
        return Verdict.Done;
      }
      p += HEADER + u16le(d, off + p + 2);
      if (ctx.l4 === 17) return Verdict.Continue;
    }
    return Verdict.Continue;
  },
});
