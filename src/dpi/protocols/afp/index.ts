import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// AFP over TCP runs on the Data Stream Interface (Apple "AFP Programming Guide", chapter "AFP
// over TCP", DSI header): 16 bytes — flags (0 request, 1 reply), command (1 DSICloseSession,
// 2 DSICommand, 3 DSIGetStatus, 4 DSIOpenSession, 5 DSITickle, 6 DSIWrite, 8 DSIAttention),
// request id (16 bits), error code / write offset (32), total data length (32), reserved (32,
// zero). A flow is named when the first message's header is valid and its data length fits
// the bytes that follow. Only the DSI command is output (not the AFP calls' data).

interface State {
  done: boolean;
}

const COMMANDS: Record<number, string> = { 1: 'CloseSession', 2: 'Command', 3: 'GetStatus', 4: 'OpenSession', 5: 'Tickle', 6: 'Write', 8: 'Attention' };

export function dsiHeader(d: Uint8Array, off: number, len: number): string | null | undefined {
  if (len < 1) return undefined;
  if (d[off]! > 1) return null;
  if (len < 2) return undefined;
  const cmd = COMMANDS[d[off + 1]!];
  if (cmd === undefined) return null;
  if (len < 16) return undefined;
  if (u32be(d, off + 12) !== 0) return null;
  const total = u32be(d, off + 8);
  if (total > 0x1000000) return null;
  // a request's error code field is zero, except DSIWrite's data offset
  if (d[off] === 0 && d[off + 1] !== 6 && u32be(d, off + 4) !== 0) return null;
  // the message is whole (or still arriving); when more bytes follow, they start a DSI header
  const next = off + 16 + total;
  if (next < off + len && d[next]! > 1) return null;
  if ((d[off + 1] === 5 || d[off + 1] === 1) && total !== 0) return null;
  return cmd;
}

export default defineDissector<State>({
  name: 'afp',
  protocols: [{ name: 'AFP', category: 'DataTransfer', kind: 'protocol', tcpPorts: [548], description: 'Apple Filing Protocol over DSI' }],
  transports: Transport.Tcp,
  firstBytes: [0x00, 0x01],
  maxPackets: 4,
  fields: [{ name: 'dsi_command', type: 'string', description: 'the first DSI command (GetStatus, OpenSession, …)' }],
  probe(d, off, len, ctx) {
    return len >= 2 && d[off]! <= 1 && COMMANDS[d[off + 1]!] !== undefined && (ctx.serverPort === 548 || ctx.clientPort === 548);
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.gap) return Verdict.NotMine;
    const r = dsiHeader(d, off, len);
    if (r === undefined) return Verdict.Continue;
    if (r === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('AFP'));
    ctx.setField('dsi_command', r);
    return Verdict.Done;
  },
});
