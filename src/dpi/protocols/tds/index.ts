import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// TDS, Microsoft SQL Server's protocol ([MS-TDS] §2.2.3.1): an 8-byte packet header — type
// (0x01 SQL batch, 0x03 RPC, 0x04 tabular result, 0x06 attention, 0x07 bulk load, 0x0E
// transaction manager, 0x10 login7, 0x11 SSPI, 0x12 pre-login), status (bits 0x01 EOM, 0x02
// ignore, 0x08/0x10 reset), length (big-endian, header included, ≤ 32767 when negotiated,
// at least 8), SPID, packet id, window (0). A session opens with PRELOGIN (0x12), whose payload
// is an option table (token, offset, length) ended by 0xFF.

interface State {
  done: boolean;
}

const TYPES = [0x01, 0x02, 0x03, 0x04, 0x06, 0x07, 0x0e, 0x10, 0x11, 0x12];

export function isTdsHeader(d: Uint8Array, off: number, len: number): boolean {
  if (len < 8) return false;
  if (!TYPES.includes(d[off]!)) return false;
  if ((d[off + 1]! & ~0x1f) !== 0) return false;
  const l = u16be(d, off + 2);
  return l >= 8 && d[off + 7] === 0;
}

/** the PRELOGIN option table at p (after the header): ends with 0xFF, offsets within the packet */
function preloginOk(d: Uint8Array, off: number, len: number): boolean {
  const plen = Math.min(u16be(d, off + 2), len) - 8;
  const p0 = off + 8;
  for (let i = 0; i < 16; i++) {
    const at = p0 + i * 5;
    if (at >= off + len) return false;
    const token = d[at]!;
    if (token === 0xff) return i > 0;
    if (token > 0x08) return false;
    if (at + 5 > off + len) return false;
    const o = u16be(d, at + 1);
    const l = u16be(d, at + 3);
    if (o + l > plen) return false;
  }
  return false;
}

export default defineDissector<State>({
  name: 'tds',
  protocols: [{ name: 'MsSQL-TDS', category: 'Database', kind: 'protocol', tcpPorts: [1433], description: 'Microsoft SQL Server Tabular Data Stream' }],
  transports: Transport.Tcp,
  firstBytes: TYPES,
  maxPackets: 3,
  fields: [{ name: 'first_message', type: 'string', description: 'PRELOGIN, LOGIN7, SQL_BATCH, …' }],
  probe(d, off, len) {
    return len < 8 ? TYPES.includes(d[off]!) : isTdsHeader(d, off, len);
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (len < 8) return Verdict.Continue;
    if (!isTdsHeader(d, off, len)) return Verdict.NotMine;
    const type = d[off]!;
    if (type === 0x12) {
      if (len < 14) return Verdict.Continue;
      if (!preloginOk(d, off, len)) return Verdict.NotMine;
    } else if (type === 0x10) {
      // LOGIN7: length (LE) then TDS version 0x7xxxxxxx (stored little-endian)
      if (len < 16) return Verdict.Continue;
      if ((d[off + 15]! & 0xf0) !== 0x70) return Verdict.NotMine;
    } else if (ctx.serverPort !== 1433 && ctx.clientPort !== 1433) {
      return Verdict.NotMine; // other packet types alone are too weak off the standard port
    } else if (u16be(d, off + 2) > 32768) {
      return Verdict.NotMine;
    }
    ctx.setProtocol(ctx.protocolId('MsSQL-TDS'));
    const names: Record<number, string> = { 0x01: 'SQL_BATCH', 0x03: 'RPC', 0x04: 'RESPONSE', 0x06: 'ATTENTION', 0x07: 'BULK_LOAD', 0x0e: 'TRANSACTION_MANAGER', 0x10: 'LOGIN7', 0x11: 'SSPI', 0x12: 'PRELOGIN', 0x02: 'LOGIN' };
    ctx.setField('first_message', names[type] ?? String(type));
    return Verdict.Done;
  },
});
