import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { readLine, u32be } from '../../helpers/text.js';

// Gearman job server protocol (gearman.org/protocol, "Binary Packet" and "Administrative
// Protocol"), TCP 4730. Binary packets have a 12-byte header: the magic "\0REQ" (sent to the job
// server) or "\0RES" (sent by it), a 32-bit big-endian packet type (1..42, 5 unused; each type is
// defined for one magic or for both) and a 32-bit big-endian size of the NUL-separated
// arguments that follow. The server tells the text admin protocol from the binary one by the
// first byte: not NUL means a command line ("status", "workers", "version", …) ended by LF or
// CR LF. Only the packet type or the admin command word is output, never arguments (function
// names, job handles, workloads).

const PORT = 4730;
const HEADER = 12;
/** Workloads may be large, but a size beyond this is far more likely another protocol's bytes. */
const MAX_SIZE = 1 << 28;

/** magic bit set per type: 1 REQ, 2 RES */
const REQ = 1;
const RES = 2;
/** [name, magics, takes arguments] by packet type */
const TYPES: readonly (readonly [string, number, boolean] | undefined)[] = [
  undefined,
  ['CAN_DO', REQ, true],
  ['CANT_DO', REQ, true],
  ['RESET_ABILITIES', REQ, false],
  ['PRE_SLEEP', REQ, false],
  undefined, // 5 is unused
  ['NOOP', RES, false],
  ['SUBMIT_JOB', REQ, true],
  ['JOB_CREATED', RES, true],
  ['GRAB_JOB', REQ, false],
  ['NO_JOB', RES, false],
  ['JOB_ASSIGN', RES, true],
  ['WORK_STATUS', REQ | RES, true],
  ['WORK_COMPLETE', REQ | RES, true],
  ['WORK_FAIL', REQ | RES, true],
  ['GET_STATUS', REQ, true],
  ['ECHO_REQ', REQ, true],
  ['ECHO_RES', RES, true],
  ['SUBMIT_JOB_BG', REQ, true],
  ['ERROR', RES, true],
  ['STATUS_RES', RES, true],
  ['SUBMIT_JOB_HIGH', REQ, true],
  ['SET_CLIENT_ID', REQ, true],
  ['CAN_DO_TIMEOUT', REQ, true],
  ['ALL_YOURS', REQ, false],
  ['WORK_EXCEPTION', REQ | RES, true],
  ['OPTION_REQ', REQ, true],
  ['OPTION_RES', RES, true],
  ['WORK_DATA', REQ | RES, true],
  ['WORK_WARNING', REQ | RES, true],
  ['GRAB_JOB_UNIQ', REQ, false],
  ['JOB_ASSIGN_UNIQ', RES, true],
  ['SUBMIT_JOB_HIGH_BG', REQ, true],
  ['SUBMIT_JOB_LOW', REQ, true],
  ['SUBMIT_JOB_LOW_BG', REQ, true],
  ['SUBMIT_JOB_SCHED', REQ, true],
  ['SUBMIT_JOB_EPOCH', REQ, true],
  ['SUBMIT_REDUCE_JOB', REQ, true],
  ['SUBMIT_REDUCE_JOB_BG', REQ, true],
  ['GRAB_JOB_ALL', REQ, false],
  ['JOB_ASSIGN_ALL', RES, true],
  ['GET_STATUS_UNIQ', REQ, true],
  ['STATUS_RES_UNIQ', RES, true],
];

/** admin commands: word(s), and whether arguments may follow */
const ADMIN: readonly (readonly [string, boolean])[] = [
  ['workers', false], ['status', false], ['version', false], ['verbose', false], ['getpid', false],
  ['show jobs', false], ['show unique jobs', false], ['maxqueue', true], ['shutdown', true],
  ['cancel job', true], ['create function', true], ['drop function', true],
];
/** first letters of the admin commands, both cases (the server is not strict about case) */
const ADMIN_FIRST = [...new Set(ADMIN.flatMap(([c]) => [c.charCodeAt(0), c.toUpperCase().charCodeAt(0)]))];
const LONGEST_ADMIN_LINE = 256;

const MAGIC = [0x00, 0x52, 0x45]; // "\0RE", then Q or S

/** Can d[off..off+len) (possibly only a few bytes) begin a binary packet? */
function binaryPrefix(d: Uint8Array, off: number, len: number): boolean {
  for (let i = 0; i < 3 && i < len; i++) if (d[off + i] !== MAGIC[i]) return false;
  return len < 4 || d[off + 3] === 0x51 || d[off + 3] === 0x53;
}

/** The binary header at off: its type's name, null when it breaks the protocol, undefined: short. */
export function gearmanHeader(d: Uint8Array, off: number, len: number): string | null | undefined {
  if (!binaryPrefix(d, off, len)) return null;
  if (len < HEADER) return undefined;
  const magic = d[off + 3] === 0x51 ? REQ : RES;
  const type = u32be(d, off + 4);
  const size = u32be(d, off + 8);
  const t = type < TYPES.length ? TYPES[type] : undefined;
  if (t === undefined || (t[1] & magic) === 0 || size > MAX_SIZE) return null;
  if (!t[2] && size !== 0) return null;
  return t[0];
}

/** The admin command on the first line: its words, null when the line is not one, undefined: short. */
export function gearmanAdminCommand(d: Uint8Array, off: number, len: number): string | null | undefined {
  const line = readLine(d, off, len, 0, LONGEST_ADMIN_LINE);
  if (line === undefined) return commandPrefix(d, off, len) ? undefined : null;
  if (line === null) return null;
  const text = line.text.trim().replace(/[ \t]+/g, ' ').toLowerCase();
  for (const [command, args] of ADMIN) {
    if (text === command || (args && text.startsWith(command + ' '))) return command;
  }
  return null;
}

/**
 * Could the bytes so far begin an admin command line? (the line may still be arriving; compared
 * byte by byte, as probe must not allocate)
 */
function commandPrefix(d: Uint8Array, off: number, len: number): boolean {
  for (const [command] of ADMIN) {
    const n = Math.min(len, command.length);
    let i = 0;
    for (; i < n; i++) {
      let c = d[off + i]!;
      if (c >= 0x41 && c <= 0x5a) c += 0x20;
      if (c !== command.charCodeAt(i)) break;
    }
    if (i < n) continue;
    if (len <= command.length) return true;
    const after = d[off + command.length]!;
    if (after === 0x0a || after === 0x0d || after === 0x20 || after === 0x09) return true;
  }
  return false;
}

export default defineDissector<null>({
  name: 'gearman',
  protocols: [{ name: 'Gearman', category: 'RPC', kind: 'protocol', tcpPorts: [PORT], description: 'Gearman job server (binary and admin protocols)' }],
  transports: Transport.Tcp,
  firstBytes: [0x00, ...ADMIN_FIRST],
  maxPackets: 6,
  fields: [
    { name: 'first_packet', type: 'string', description: 'type of the first binary packet (CAN_DO, SUBMIT_JOB, ECHO_REQ, NOOP, …)' },
    { name: 'admin_command', type: 'string', description: 'the text admin command (status, workers, version, …)' },
  ],
  probe(d, off, len, ctx) {
    if (d[off] === 0x00) return binaryPrefix(d, off, len);
    // a bare word on a line says little anywhere else
    return ctx.dir === 0 && (ctx.serverPort === PORT || ctx.clientPort === PORT) && commandPrefix(d, off, len);
  },
  createState() {
    return null;
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.gap) return Verdict.NotMine;
    if (d[off] === 0x00) {
      const type = gearmanHeader(d, off, len);
      if (type === undefined) return Verdict.Continue;
      if (type === null) return Verdict.NotMine;
      ctx.setProtocol(ctx.protocolId('Gearman'));
      ctx.setField('first_packet', type);
      return Verdict.Done;
    }
    if (ctx.dir !== 0 || (ctx.serverPort !== PORT && ctx.clientPort !== PORT)) return Verdict.NotMine;
    const command = gearmanAdminCommand(d, off, len);
    if (command === undefined) return Verdict.Continue;
    if (command === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Gearman'));
    ctx.setField('admin_command', command);
    return Verdict.Done;
  },
});
