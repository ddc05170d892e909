import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// NTP (RFC 5905 §7.3, control messages RFC 1305 App. B / RFC 9327): the first byte holds the
// leap indicator, version (1..4) and mode (1..7). Modes 1..5 are 48-byte messages (plus
// extension fields / a MAC, in 4-byte units); mode 6 is the control protocol (12-byte header),
// mode 7 ntpd's private ("ntpdc") protocol.

interface State {
  packets: number;
}

/** version and mode when the datagram looks like NTP, else null */
export function ntpHeader(d: Uint8Array, off: number, len: number): { version: number; mode: number } | null {
  if (len < 8) return null;
  const b = d[off]!;
  const version = (b >> 3) & 7;
  const mode = b & 7;
  if (version < 1 || version > 4 || mode === 0) return null;
  if (mode === 6) {
    // control: response/error/more bits + opcode 1..31, sequence, status, association, offset, count
    if (len < 12 || (d[off + 1]! & 0x1f) === 0 || (d[off + 1]! & 0x1f) > 31) return null;
    const count = (d[off + 10]! << 8) | d[off + 11]!;
    return 12 + count <= len && count <= 468 ? { version, mode } : null;
  }
  if (mode === 7) {
    // private: response bit, more bit, version, mode 7 / auth + sequence, implementation, request code
    const impl = d[off + 2]!;
    return impl === 0 || impl === 2 || impl === 3 ? { version, mode } : null;
  }
  if (len < 48 || (len - 48) % 4 !== 0) return null;
  const stratum = d[off + 1]!;
  if (stratum > 16 && mode !== 3) return null;
  return { version, mode };
}

export default defineDissector<State>({
  name: 'ntp',
  protocols: [{ name: 'NTP', category: 'System', kind: 'protocol', udpPorts: [123], description: 'Network Time Protocol' }],
  transports: Transport.Udp,
  maxPackets: 2,
  fields: [
    { name: 'version', type: 'int', description: 'NTP version (1–4)' },
    { name: 'mode', type: 'string', description: 'client, server, symmetric_active, symmetric_passive, broadcast, control or private' },
  ],
  probe(d, off, len, ctx) {
    if (ctx.serverPort !== 123 && ctx.clientPort !== 123) return false;
    return ntpHeader(d, off, len) !== null;
  },
  createState() {
    return { packets: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const h = ntpHeader(d, off, len);
    if (!h) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('NTP'));
    ctx.setField('version', h.version);
    ctx.setField('mode', ['', 'symmetric_active', 'symmetric_passive', 'client', 'server', 'broadcast', 'control', 'private'][h.mode]!);
    return Verdict.Done;
  },
});
