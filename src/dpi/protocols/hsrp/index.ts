import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// Cisco Hot Standby Router Protocol. Version 1 (RFC 2281 §5), UDP 1985 to 224.0.0.2: a 20-byte
// message of version 0, op code (0 hello, 1 coup, 2 resign, 3 advertise), state (0 initial,
// 1 learn, 2 listen, 4 speak, 8 standby, 16 active), hello time, hold time, priority, group,
// reserved, 8 bytes of authentication data and the virtual IPv4 address. Version 2 (Cisco's
// public HSRPv2 documentation), UDP 1985 (IPv4) / 2029 (IPv6): TLVs, the first a Group State TLV
// of type 1, length 40, whose first byte is version 2. Authentication data is never output.

const STATES = new Set([0, 1, 2, 4, 8, 16]);

export function hsrpVersion(d: Uint8Array, off: number, len: number): number | null {
  if (len >= 20 && d[off] === 0 && d[off + 1]! <= 3 && STATES.has(d[off + 2]!)) {
    // version 1: the message is 20 bytes (some senders pad)
    return len <= 64 ? 1 : null;
  }
  if (len >= 42 && d[off] === 1 && d[off + 1] === 40 && d[off + 2] === 2 && d[off + 3]! <= 3) {
    // version 2 group state TLV: version, op code, state (1..6), IP version (4 or 6)
    const state = d[off + 4]!;
    const ipv = d[off + 5]!;
    return state >= 1 && state <= 6 && (ipv === 4 || ipv === 6) ? 2 : null;
  }
  return null;
}

export default defineDissector<{ n: number }>({
  name: 'hsrp',
  protocols: [{ name: 'HSRP', category: 'Network', kind: 'protocol', udpPorts: [1985, 2029], description: 'Cisco Hot Standby Router Protocol' }],
  transports: Transport.Udp,
  firstBytes: [0x00, 0x01],
  maxPackets: 2,
  fields: [{ name: 'version', type: 'int', description: 'HSRP version (1 or 2)' }],
  probe(d, off, len, ctx) {
    const port = ctx.serverPort === 1985 || ctx.serverPort === 2029 || ctx.clientPort === 1985 || ctx.clientPort === 2029;
    return port && hsrpVersion(d, off, len) !== null;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const v = hsrpVersion(d, off, len);
    if (v === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('HSRP'));
    ctx.setField('version', v);
    return Verdict.Done;
  },
});
