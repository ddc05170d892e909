import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32le } from '../../helpers/text.js';

// Zabbix agent/server/proxy protocol (Zabbix manual, "Header and data length"): "ZBXD", a flags
// byte (0x01 protocol, 0x02 compressed, 0x04 large packet), then the data length and the
// reserved (uncompressed) length as little-endian 4-byte (or 8-byte with 0x04) integers.

interface State {
  done: boolean;
}

export function isZabbixHeader(d: Uint8Array, off: number, len: number): boolean {
  if (len < 13) return false;
  if (d[off] !== 0x5a || d[off + 1] !== 0x42 || d[off + 2] !== 0x58 || d[off + 3] !== 0x44) return false;
  const flags = d[off + 4]!;
  if ((flags & 0x01) === 0 || (flags & ~0x07) !== 0) return false;
  if ((flags & 0x04) === 0) {
    const dataLen = u32le(d, off + 5);
    return dataLen <= 1 << 30;
  }
  return len >= 21;
}

export default defineDissector<State>({
  name: 'zabbix',
  protocols: [{ name: 'Zabbix', category: 'Network', kind: 'protocol', tcpPorts: [10050, 10051], description: 'Zabbix monitoring agent/server protocol' }],
  transports: Transport.Tcp,
  firstBytes: [0x5a],
  maxPackets: 3,
  fields: [{ name: 'compressed', type: 'bool', description: 'the first message is zlib-compressed' }],
  probe(d, off, len) {
    return len < 13 ? d[off] === 0x5a : isZabbixHeader(d, off, len);
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (len < 13) return Verdict.Continue;
    if (!isZabbixHeader(d, off, len)) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Zabbix'));
    ctx.setField('compressed', (d[off + 4]! & 0x02) !== 0);
    return Verdict.Done;
  },
});
