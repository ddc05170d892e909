import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32le } from '../../helpers/text.js';

// Monero peer-to-peer ("Levin" protocol, monero-project docs "levin_protocol.md"): a 33-byte
// header, little-endian: signature 0x0101010101012101 (bytes 01 21 01 01 01 01 01 01), body
// size (8), have-to-return flag (1), command (4; 1001 handshake, 1002 timed sync, 1003 ping,
// 2001.. notifications), return code (4), flags (4: 1 request, 2 response, 4/8 fragments),
// protocol version (4: 1).

interface State {
  done: boolean;
}

const SIG = [0x01, 0x21, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01];

export function levinCommand(d: Uint8Array, off: number, len: number): number {
  if (len < 33) return -1;
  for (let i = 0; i < 8; i++) if (d[off + i] !== SIG[i]) return -1;
  if (d[off + 12] !== 0 || d[off + 13] !== 0 || d[off + 14] !== 0 || d[off + 15] !== 0) return -1; // body < 4 GiB
  if (d[off + 16]! > 1) return -1;
  const flags = u32le(d, off + 25);
  if (flags === 0 || flags > 15) return -1;
  return u32le(d, off + 17);
}

export default defineDissector<State>({
  name: 'monero',
  protocols: [{ name: 'Monero', category: 'Crypto_Currency', kind: 'protocol', tcpPorts: [18080], description: 'Monero peer-to-peer (Levin)' }],
  transports: Transport.Tcp,
  firstBytes: [0x01],
  maxPackets: 3,
  fields: [{ name: 'command', type: 'int', description: 'the first Levin command (1001 handshake, 1002 timed sync, …)' }],
  probe(d, off, len) {
    return len < 33 ? d[off] === 0x01 : levinCommand(d, off, len) >= 0;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (len < 33) return Verdict.Continue;
    const c = levinCommand(d, off, len);
    if (c < 0) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Monero'));
    ctx.setField('command', c);
    return Verdict.Done;
  },
});
