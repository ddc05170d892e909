import { defineDissector, type InspectContext, Transport, Verdict, type VerdictValue } from '../../api/dissector.js';
import { readLine } from '../../helpers/text.js';

// MGCP 1.0 (RFC 3435, §3.2 "Command Header", §3.2.1 "Command Line", §3.3 "Response Header"),
// over UDP 2427 (gateways) and 2727 (call agents). A command opens with the line
//   <verb> SP <transaction id> SP <local endpoint name>@<domain> SP MGCP SP <version> [SP <profile>]
// where the verb is one of the nine four-letter codes of §2.3 (case-insensitive, §3.1), the
// transaction id is 1–9 decimal digits (§3.2.1.2, 1..999999999) and the version is "1.0" (older
// gear says "0.1"), optionally followed by a profile such as "NCS 1.0" (PacketCable). A response
// opens with <3-digit return code> SP <transaction id> [SP <commentary>] (§3.3). A response
// alone is a weak signal, so it names the flow on an MGCP port only, or after a command the
// other way. Endpoint names and commentary are not output.

const VERBS = new Set(['EPCF', 'CRCX', 'MDCX', 'DLCX', 'RQNT', 'NTFY', 'AUEP', 'AUCX', 'RSIP']);
const MGCP_PORTS = new Set([2427, 2727]);
const MAX_LINE = 512;

const TRANSACTION_ID = /^[0-9]{1,9}$/;
const VERSION = /^[0-9]\.[0-9]{1,2}$/;
/** the domain after '@': a host name, an [address] literal, or a '*' wildcard (§3.2.1.3) */
const ENDPOINT = /^[!-~]+@(?:\*|\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::[0-9]{1,5})?$/;
const PROFILE = /^[A-Za-z][A-Za-z0-9_-]{0,15} [0-9]\.[0-9]{1,2}$/;

export interface MgcpCommand {
  kind: 'command';
  verb: string;
  version: string;
  profile?: string;
}
export interface MgcpResponse {
  kind: 'response';
  code: number;
}

/** Reads the first line of an MGCP message: a command, a response, or null when it is not one. */
export function parseMgcpFirstLine(text: string): MgcpCommand | MgcpResponse | null {
  const parts = text.split(' ');
  if (parts.length >= 3 && /^[0-9]{3}$/.test(parts[0]!)) {
    if (!TRANSACTION_ID.test(parts[1]!) || parts[1] === '0') return null;
    return { kind: 'response', code: Number(parts[0]) };
  }
  if (parts.length === 2 && /^[0-9]{3}$/.test(parts[0]!)) return TRANSACTION_ID.test(parts[1]!) && parts[1] !== '0' ? { kind: 'response', code: Number(parts[0]) } : null;
  if (parts.length !== 5 && parts.length !== 7) return null;
  const verb = parts[0]!.toUpperCase();
  if (!VERBS.has(verb)) return null;
  if (!TRANSACTION_ID.test(parts[1]!) || parts[1] === '0') return null;
  if (!ENDPOINT.test(parts[2]!)) return null;
  if (parts[3]!.toUpperCase() !== 'MGCP' || !VERSION.test(parts[4]!)) return null;
  if (parts.length === 7) {
    const profile = `${parts[5]} ${parts[6]}`;
    if (!PROFILE.test(profile)) return null;
    return { kind: 'command', verb, version: parts[4]!, profile };
  }
  return { kind: 'command', verb, version: parts[4]! };
}

interface State {
  /** per direction: a response was read there (its code) */
  responseSeen: [number | null, number | null];
}

function nameCommand(ctx: InspectContext, c: MgcpCommand): VerdictValue {
  ctx.setProtocol(ctx.protocolId('MGCP'));
  ctx.setField('command', c.verb);
  ctx.setField('version', c.version);
  if (c.profile !== undefined) ctx.setField('profile', c.profile);
  return Verdict.Done;
}

function isVerbStart(c: number): boolean {
  const u = c & 0xdf;
  return u === 0x45 || u === 0x43 || u === 0x4d || u === 0x44 || u === 0x52 || u === 0x4e || u === 0x41;
}

export default defineDissector<State>({
  name: 'mgcp',
  protocols: [{ name: 'MGCP', category: 'VoIP', kind: 'protocol', udpPorts: [2427, 2727], description: 'Media Gateway Control Protocol' }],
  transports: Transport.Udp,
  // verbs (either case) E C M D R N A, or a response's return code digit
  firstBytes: [
    0x45, 0x43, 0x4d, 0x44, 0x52, 0x4e, 0x41, 0x65, 0x63, 0x6d, 0x64, 0x72, 0x6e, 0x61,
    0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39,
  ],
  maxPackets: 4,
  fields: [
    { name: 'command', type: 'string', description: 'the verb of the first command seen (CRCX, RQNT, RSIP…)' },
    { name: 'version', type: 'string', description: 'the MGCP version in the command line, e.g. 1.0' },
    { name: 'profile', type: 'string', description: 'the profile after the version, e.g. NCS 1.0' },
    { name: 'response_code', type: 'int', description: 'the return code of the first response seen' },
  ],
  probe(d, off, len) {
    if (len < 5) return false;
    const c = d[off]!;
    if (c >= 0x30 && c <= 0x39) return d[off + 1]! >= 0x30 && d[off + 1]! <= 0x39 && d[off + 2]! >= 0x30 && d[off + 2]! <= 0x39 && d[off + 3] === 0x20;
    return isVerbStart(c) && d[off + 4] === 0x20;
  },
  createState() {
    return { responseSeen: [null, null] };
  },
  inspect(s, d, off, len, ctx) {
    const line = readLine(d, off, len, 0, MAX_LINE);
    if (!line) return Verdict.NotMine;
    const m = parseMgcpFirstLine(line.text);
    if (m === null) return Verdict.NotMine;
    const other = ctx.dir === 0 ? 1 : 0;
    if (m.kind === 'command') {
      const verdict = nameCommand(ctx, m);
      const answered = s.responseSeen[other];
      if (answered !== null) ctx.setField('response_code', answered);
      return verdict;
    }
    s.responseSeen[ctx.dir] = m.code;
    if (MGCP_PORTS.has(ctx.serverPort) || MGCP_PORTS.has(ctx.clientPort)) {
      ctx.setProtocol(ctx.protocolId('MGCP'));
      ctx.setField('response_code', m.code);
      return Verdict.Done;
    }
    return Verdict.Continue;
  },
});
