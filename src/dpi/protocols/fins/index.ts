import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// Omron FINS (Factory Interface Network Service), after Omron's FINS Commands Reference Manual
// (W227, W342) and the Ethernet Unit manuals (W420/W421 for FINS/TCP), UDP and TCP 9600.
//
// A FINS frame: a 10-byte header — ICF (bit 7 always 1, bit 6 set in a response, bit 0 set when
// no response is wanted, the others 0), RSV 0, GCT (gateways allowed, 2 by default, at most 7),
// destination network / node / unit, source network / node / unit (networks 0..127), the service
// id — then the command code (MRC, SRC), and in a response the end code (MRES, SRES) before data.
// FINS/TCP puts a header in front of every frame: "FINS", length (u32, the bytes after this field),
// command (0 client's node address, 1 server's reply with both node addresses, 2 a FINS frame,
// 3 an error notification, 6 connection confirmation) and an error code.

const FINS_PORT = 9600;
const MAGIC = [0x46, 0x49, 0x4e, 0x53]; // "FINS"
const FINS_HEADER = 10;
const TCP_HEADER = 16;
/** W421: a FINS frame inside FINS/TCP is 12 to 2012 bytes, so length = 8 + that */
const TCP_MAX_LENGTH = 8 + 2012;

/** the command codes (MRC << 8 | SRC) of W227/W342 and the Ethernet Unit manuals */
const COMMANDS = new Set([
  0x0101, 0x0102, 0x0103, 0x0104, 0x0105, // I/O memory area: read, write, fill, multiple read, transfer
  0x0201, 0x0202, 0x0203, // parameter area
  0x0304, 0x0305, 0x0306, 0x0307, 0x0308, // program area: protect, protect clear, read, write, clear
  0x0401, 0x0402, 0x0403, // run, stop, reset
  0x0501, 0x0502, // controller data, connection data read
  0x0601, 0x0620, // controller status, cycle time read
  0x0701, 0x0702, // clock read, write
  0x0801, 0x0802, 0x0803, // internode echo test, broadcast test results / data
  0x0920, // message read / clear
  0x0c01, 0x0c02, 0x0c03, // access right acquire, forced acquire, release
  0x2101, 0x2102, 0x2103, 0x2140, 0x2141, // error clear, error log read / clear, write access log
  0x2201, 0x2202, 0x2203, 0x2204, 0x2205, 0x2207, 0x2208, 0x220a, 0x220b, 0x220c, 0x2215, 0x2220, // file memory
  0x2301, 0x2302, // forced set / reset, cancel
  0x2701, 0x2702, 0x2703, 0x2704, 0x2710, 0x2711, 0x2712, 0x2713, 0x2714, // Ethernet Unit sockets
  0x2720, 0x2750, 0x2757, 0x2760, 0x2761, 0x2762, 0x2763, 0x2764, 0x2765, 0x2766, 0x2767, // ping, address tables, status
]);
/** main response codes (the relay-error bit 7 aside) */
const MAIN_RESPONSE_CODES = new Set([0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x10, 0x11, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x30, 0x40]);
const TCP_ERROR_CODES = new Set([0x00, 0x01, 0x02, 0x03, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25]);

export interface FinsFrame {
  commandCode: number;
  response: boolean;
}

/** the FINS frame that fills d[off..off+len) */
export function parseFinsFrame(d: Uint8Array, off: number, len: number): FinsFrame | null {
  if (len < FINS_HEADER + 2) return null;
  const icf = d[off]!;
  if ((icf & 0xbe) !== 0x80 || d[off + 1] !== 0x00 || d[off + 2]! > 7) return null;
  if (d[off + 3]! > 0x7f || d[off + 6]! > 0x7f) return null;
  const commandCode = (d[off + FINS_HEADER]! << 8) | d[off + FINS_HEADER + 1]!;
  if (!COMMANDS.has(commandCode)) return null;
  const response = (icf & 0x40) !== 0;
  if (response && (len < FINS_HEADER + 4 || !MAIN_RESPONSE_CODES.has(d[off + FINS_HEADER + 2]! & 0x7f))) return null;
  return { commandCode, response };
}

export type FinsTcpResult = { tcpCommand: number; frame?: FinsFrame } | null | undefined;

/** the first FINS/TCP message of a stream: null if broken, undefined while incomplete */
export function parseFinsTcp(d: Uint8Array, off: number, len: number): FinsTcpResult {
  for (let i = 0; i < MAGIC.length && i < len; i++) if (d[off + i] !== MAGIC[i]) return null;
  if (len < TCP_HEADER) return len >= 8 && u32be(d, off + 4) > TCP_MAX_LENGTH ? null : undefined;
  const length = u32be(d, off + 4);
  const command = u32be(d, off + 8);
  const error = u32be(d, off + 12);
  if (length < 8 || length > TCP_MAX_LENGTH || !TCP_ERROR_CODES.has(error)) return null;
  switch (command) {
    case 0: // client → server: its node address (0: let the server allocate one)
      return length === 12 && (len < 20 || u32be(d, off + 16) <= 0xfe) ? (len < 20 ? undefined : { tcpCommand: 0 }) : null;
    case 1: // server → client: both node addresses
      return length === 16 ? (len < 24 ? undefined : { tcpCommand: 1 }) : null;
    case 2: {
      if (length < 8 + FINS_HEADER + 2) return null;
      const frameLength = length - 8;
      // the frame's own checks need its header and command code, its response code too
      const needed = Math.min(frameLength, FINS_HEADER + 4);
      if (len < TCP_HEADER + needed) return undefined;
      const frame = parseFinsFrame(d, off + TCP_HEADER, needed);
      return frame === null ? null : { tcpCommand: 2, frame };
    }
    case 3: // error notification
      return length === 8 ? { tcpCommand: 3 } : null;
    case 6: // connection confirmation
      return { tcpCommand: 6 };
    default:
      return null;
  }
}

const TCP_COMMAND_NAMES = ['node_address_request', 'node_address_response', 'frame', 'error_notification', '', '', 'connection_confirmation'];
const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

export default defineDissector<{ n: number }>({
  name: 'fins',
  protocols: [{ name: 'FINS', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [FINS_PORT], udpPorts: [FINS_PORT], description: 'Omron FINS PLC communication (FINS/UDP and FINS/TCP)' }],
  transports: Transport.Udp | Transport.Tcp,
  // "F" of FINS/TCP; the ICF of a FINS/UDP command or response
  firstBytes: [0x46, 0x80, 0x81, 0xc0, 0xc1],
  maxPackets: 8,
  fields: [
    { name: 'command_code', type: 'string', description: "command code (MRC SRC, 4 hex digits) of the first FINS frame, e.g. '0101' memory area read" },
    { name: 'response', type: 'bool', description: 'the first FINS frame is a response' },
    { name: 'tcp_command', type: 'string', description: 'FINS/TCP: command of the first message (node_address_request, node_address_response, frame, …)' },
  ],
  probe(d, off, len, ctx) {
    if (ctx.l4 === 6) return d[off] === 0x46 && (len < 2 || d[off + 1] === 0x49);
    return (ctx.serverPort === FINS_PORT || ctx.clientPort === FINS_PORT) && len >= FINS_HEADER + 2 && d[off + 1] === 0x00;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.l4 === 17) {
      // the header alone is a weak pattern (an RTP packet can start 80 00 02): the port must say FINS
      if (ctx.serverPort !== FINS_PORT && ctx.clientPort !== FINS_PORT) return Verdict.NotMine;
      const frame = parseFinsFrame(d, off, len);
      if (frame === null) return Verdict.NotMine;
      ctx.setProtocol(ctx.protocolId('FINS'));
      ctx.setField('command_code', hex4(frame.commandCode));
      ctx.setField('response', frame.response);
      return Verdict.Done;
    }
    const m = parseFinsTcp(d, off, len);
    if (m === null) return Verdict.NotMine;
    if (m === undefined) return Verdict.Continue;
    ctx.setProtocol(ctx.protocolId('FINS'));
    ctx.setField('tcp_command', TCP_COMMAND_NAMES[m.tcpCommand]!);
    if (m.frame !== undefined) {
      ctx.setField('command_code', hex4(m.frame.commandCode));
      ctx.setField('response', m.frame.response);
    }
    return Verdict.Done;
  },
});
