import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { latin1, u16le, u32le } from '../../helpers/text.js';

// Beckhoff ADS over AMS/TCP (Beckhoff Information System, "ADS specification": AMS/TCP packet,
// AMS header, ADS commands), TCP 48898. A packet is the AMS/TCP header — 2 reserved zero bytes,
// u32 LE length of what follows — then the 32-byte AMS header: target and source AmsNetId (6
// bytes) and AMS port (u16), command id u16 (1 ReadDeviceInfo … 9 ReadWrite), state flags u16
// (0x0004 ADS command, | 0x0001 for a response), data length u32, error code u32, invoke id
// u32; then the command's data, whose layout the specification fixes per command and
// direction (fixed sizes, or a fixed part plus a u32 length of the rest). Either side may be
// seen first. The ReadDeviceInfo response names the server software (e.g. "TwinCAT System")
// and its version: those are output.
// UDP 48899 carries the ADS discovery broadcasts that TwinCAT's router answers: they begin with
// the u32 LE magic 0x71146603, an invoke id and a service id (the answer sets bit 31).

const TCP_PORT = 48898;
const UDP_PORT = 48899;
const AMS_TCP_HEADER = 6;
const AMS_HEADER = 32;
const DATA_AT = AMS_TCP_HEADER + AMS_HEADER;
/** the data prefix each command's layout checks need (ReadWrite's request: 16 bytes) */
const DATA_PREFIX = 16;
const FLAG_RESPONSE = 0x0001;
const FLAG_ADS_COMMAND = 0x0004;
const DISCOVERY_MAGIC = 0x71146603;
const DEVICE_NAME_BYTES = 16;

const COMMANDS = ['', 'ReadDeviceInfo', 'Read', 'Write', 'ReadState', 'WriteControl', 'AddDeviceNotification', 'DeleteDeviceNotification', 'DeviceNotification', 'ReadWrite'] as const;

export interface AmsPacket {
  command: number;
  response: boolean;
  /** the whole packet's size */
  size: number;
}

/** data length of a command's layout: fixed, or a fixed part plus the u32 at `lengthAt` */
function dataFits(d: Uint8Array, p: number, n: number, fixed: number, lengthAt?: number): boolean {
  if (lengthAt === undefined) return n === fixed;
  return n >= fixed && fixed + u32le(d, p + lengthAt) === n;
}

/** the ADS layouts (request and response) per command, on the data at p of n bytes */
function layoutFits(d: Uint8Array, p: number, n: number, command: number, response: boolean): boolean {
  if (!response) {
    switch (command) {
      case 1: case 4: return n === 0;
      case 2: return n === 12; // index group, index offset, length
      case 3: return dataFits(d, p, n, 12, 8);
      case 5: return dataFits(d, p, n, 8, 4); // ADS state, device state, length, data
      case 6: return n === 40;
      case 7: return n === 4;
      case 8: return n >= 8 && u32le(d, p) === n - 4; // notification stream: length of the rest, stamps
      case 9: return dataFits(d, p, n, 16, 12);
      default: return false;
    }
  }
  switch (command) {
    case 1: return n === 24; // result, major, minor, build, 16-byte name
    case 2: case 9: return dataFits(d, p, n, 8, 4);
    case 3: case 5: case 7: return n === 4;
    case 4: case 6: return n === 8;
    default: return false; // a notification is not answered
  }
}

/**
 * The AMS/TCP packet at the start of d[off..off+len): undefined while incomplete, null when it
 * contradicts the specification. Only the data's first bytes are awaited, not a long payload.
 */
export function parseAmsTcp(d: Uint8Array, off: number, len: number): AmsPacket | null | undefined {
  if (len < 2) return undefined;
  if (d[off] !== 0 || d[off + 1] !== 0) return null;
  if (len < DATA_AT) return undefined;
  const length = u32le(d, off + 2);
  const command = u16le(d, off + AMS_TCP_HEADER + 16);
  const flags = u16le(d, off + AMS_TCP_HEADER + 18);
  const dataLength = u32le(d, off + AMS_TCP_HEADER + 20);
  const error = u32le(d, off + AMS_TCP_HEADER + 24);
  if (length !== AMS_HEADER + dataLength || command < 1 || command >= COMMANDS.length) return null;
  if ((flags & ~FLAG_RESPONSE) !== FLAG_ADS_COMMAND) return null;
  const response = (flags & FLAG_RESPONSE) !== 0;
  if (!response && error !== 0) return null;
  if (len < DATA_AT + Math.min(dataLength, DATA_PREFIX)) return undefined;
  // an AMS-level error (no route, port not found…) comes back without ADS data
  const fits = response && error !== 0 && dataLength === 0 ? true : layoutFits(d, off + DATA_AT, dataLength, command, response);
  return fits ? { command, response, size: AMS_TCP_HEADER + length } : null;
}

export function isDiscovery(d: Uint8Array, off: number, len: number): boolean {
  // magic, invoke id, service id, AmsNetId, AMS port, count of what follows
  if (len < 24 || u32le(d, off) !== DISCOVERY_MAGIC) return false;
  const service = u32le(d, off + 8) & 0x7fffffff;
  return service >= 1 && service <= 0xff;
}

interface State {
  named: boolean;
  /** a ReadDeviceInfo request was seen: its response names the server software */
  awaitingDeviceInfo: boolean;
}

export default defineDissector<State>({
  name: 'beckhoff_ads',
  protocols: [
    {
      name: 'BeckhoffADS', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [TCP_PORT], udpPorts: [UDP_PORT],
      description: 'Beckhoff ADS (Automation Device Specification) over AMS/TCP, and ADS discovery',
    },
  ],
  transports: Transport.Tcp | Transport.Udp,
  firstBytes: [0x00, 0x03],
  // a first message may come in many small segments; then the device info answer
  maxPackets: 30,
  fields: [
    { name: 'command', type: 'string', description: 'ADS command of the first packet (ReadDeviceInfo, Read, Write…), or Discovery' },
    { name: 'device_name', type: 'string', description: 'server software named in the ReadDeviceInfo response, e.g. TwinCAT System', privacy: 'identifying' },
    { name: 'device_version', type: 'string', description: 'its version: major.minor.build' },
  ],
  probe(d, off, len, ctx) {
    if (ctx.l4 === 17) return len >= 4 && u32le(d, off) === DISCOVERY_MAGIC;
    return d[off] === 0 && (len < 2 || d[off + 1] === 0);
  },
  createState() {
    return { named: false, awaitingDeviceInfo: false };
  },
  inspect(s, d, off, len, ctx) {
    if (ctx.l4 === 17) {
      if (!isDiscovery(d, off, len)) return Verdict.NotMine;
      ctx.setProtocol(ctx.protocolId('BeckhoffADS'));
      ctx.setField('command', 'Discovery');
      return Verdict.Done;
    }
    const giveUp = s.named ? Verdict.Done : Verdict.NotMine;
    if (ctx.gap) return giveUp;
    // the whole stream of this direction, packet by packet: the device info answer may follow others
    for (let p = 0; p < len; ) {
      const m = parseAmsTcp(d, off + p, len - p);
      if (m === undefined) return Verdict.Continue;
      if (m === null) return giveUp;
      if (!s.named) {
        ctx.setProtocol(ctx.protocolId('BeckhoffADS'));
        ctx.setField('command', COMMANDS[m.command]);
        s.named = true;
      }
      if (m.command === 1) {
        if (m.response) return deviceInfo(d, off + p, len - p, ctx);
        s.awaitingDeviceInfo = true;
      }
      p += m.size;
    }
    return s.awaitingDeviceInfo ? Verdict.Continue : Verdict.Done;
  },
});

/** the ReadDeviceInfo response at d[off..]: name and version, once its 24 data bytes are in */
function deviceInfo(d: Uint8Array, off: number, len: number, ctx: { setField(name: string, value: unknown): void }): typeof Verdict.Done | typeof Verdict.Continue {
  const p = off + DATA_AT;
  if (u32le(d, off + AMS_TCP_HEADER + 24) !== 0) return Verdict.Done; // an AMS error, no data
  if (len < DATA_AT + 24) return Verdict.Continue;
  if (u32le(d, p) !== 0) return Verdict.Done;
  let end = p + 8;
  while (end < p + 8 + DEVICE_NAME_BYTES && d[end] !== 0) end++;
  const name = latin1(d, p + 8, end).trim();
  // a name that is not printable text is not shown
  if (name.length > 0 && /^[\x20-\x7e]+$/.test(name)) ctx.setField('device_name', name);
  ctx.setField('device_version', `${d[p + 4]!}.${d[p + 5]!}.${u16le(d, p + 6)}`);
  return Verdict.Done;
}
