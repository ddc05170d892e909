import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be, u32be } from '../../helpers/text.js';

// Diameter (RFC 6733 §3 and §4.1), TCP/SCTP 3868 (TLS 5868): version (1), message length (u24,
// whole message, a multiple of 4, ≥ 20), command flags (R P E T; the low 4 bits reserved zero),
// command code (u24), application id, hop-by-hop and end-to-end ids; then AVPs: code (u32),
// flags (V M P; low 5 bits reserved), length (u24, ≥ 8). AVP values are never output.

const COMMANDS: Record<number, string> = { 257: 'capabilities_exchange', 258: 're_auth', 265: 'aa', 268: 'diameter_eap', 271: 'accounting', 272: 'credit_control', 274: 'abort_session', 275: 'session_termination', 280: 'device_watchdog', 282: 'disconnect_peer' };

export function diameterCommand(d: Uint8Array, off: number, len: number): number | null {
  if (len < 28 || d[off] !== 1) return null;
  const n = (d[off + 1]! << 16) | u16be(d, off + 2);
  if (n < 20 || n % 4 !== 0 || n > 1 << 20) return null;
  if ((d[off + 4]! & 0x0f) !== 0) return null;
  const code = (d[off + 5]! << 16) | u16be(d, off + 6);
  if (n > 20) {
    // the first AVP
    if ((d[off + 24]! & 0x1f) !== 0) return null;
    const al = (d[off + 25]! << 16) | u16be(d, off + 26);
    if (al < 8 || 20 + al > n || u32be(d, off + 20) === 0) return null;
  }
  return code;
}

export default defineDissector<{ n: number }>({
  name: 'diameter',
  protocols: [{ name: 'Diameter', category: 'Network', kind: 'protocol', tcpPorts: [3868], description: 'Diameter authentication, authorisation and accounting' }],
  transports: Transport.Tcp,
  firstBytes: [0x01],
  maxPackets: 2,
  fields: [{ name: 'command', type: 'string|int', description: 'command of the first message (capabilities_exchange, credit_control, … or its code)' }],
  probe(d, off, len) {
    return len < 4 || ((d[off + 1]! << 16) | u16be(d, off + 2)) >= 20;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (len < 28) return Verdict.Continue;
    const c = diameterCommand(d, off, len);
    if (c === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Diameter'));
    ctx.setField('command', COMMANDS[c] ?? c);
    return Verdict.Done;
  },
});
