import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// TFTP (RFC 1350, options RFC 2347): 2-byte opcode. RRQ (1) / WRQ (2): file name NUL mode NUL
// (netascii, octet, mail) [option NUL value NUL]…; DATA (3): block number + up to blksize bytes;
// ACK (4): block number only; ERROR (5): code 0..8, message NUL; OACK (6): options. The
// transfer runs on new ports, so a flow may start with DATA block 1 or with ACK/OACK.

interface State {
  /** a DATA or ACK whose answer confirms the flow */
  expectBlock: number;
  /** direction of the packet that set expectBlock */
  dir: number;
  packets: number;
}

const OPTIONS = ['blksize', 'tsize', 'timeout', 'windowsize', 'multicast', 'utimeout', 'rollover'];

function cstrings(d: Uint8Array, p: number, end: number): string[] | null {
  const out: string[] = [];
  let s = '';
  for (; p < end; p++) {
    const c = d[p]!;
    if (c === 0) {
      out.push(s);
      s = '';
      if (out.length > 32) return null;
    } else if (c < 0x20 || c > 0x7e) return null;
    else s += String.fromCharCode(c);
  }
  return s === '' ? out : null;
}

/** 'request' with the mode, 'data'/'ack' with a block number, 'error', 'oack', or null */
export function parseTftp(d: Uint8Array, off: number, len: number): { op: number; block?: number; mode?: string; file?: string; options?: string[] } | null {
  if (len < 4 || d[off] !== 0) return null;
  const op = d[off + 1]!;
  if (op === 1 || op === 2) {
    const s = cstrings(d, off + 2, off + len);
    if (!s || s.length < 2 || s[0] === '' || s.length % 2 !== 0) return null;
    const mode = s[1]!.toLowerCase();
    if (mode !== 'netascii' && mode !== 'octet' && mode !== 'mail') return null;
    return { op, mode, file: s[0] };
  }
  if (op === 3) return len <= 4 + 65464 ? { op, block: u16be(d, off + 2) } : null;
  if (op === 4) return len === 4 ? { op, block: u16be(d, off + 2) } : null;
  if (op === 5) {
    if (u16be(d, off + 2) > 8) return null;
    return cstrings(d, off + 4, off + len) !== null ? { op } : null;
  }
  if (op === 6) {
    const s = cstrings(d, off + 2, off + len);
    return s && s.length >= 2 && s.length % 2 === 0 ? { op, options: s.filter((_, i) => i % 2 === 0) } : null;
  }
  return null;
}

export default defineDissector<State>({
  name: 'tftp',
  protocols: [{ name: 'TFTP', category: 'DataTransfer', kind: 'protocol', udpPorts: [69], description: 'Trivial File Transfer Protocol' }],
  transports: Transport.Udp,
  firstBytes: [0],
  maxPackets: 4,
  fields: [
    { name: 'operation', type: 'string', description: 'read or write (from the request)' },
    { name: 'mode', type: 'string', description: 'transfer mode: netascii, octet or mail' },
    { name: 'filename', type: 'string', description: 'the requested file name', privacy: 'identifying' },
  ],
  probe(d, off, len) {
    return parseTftp(d, off, len) !== null;
  },
  createState() {
    return { expectBlock: -1, dir: 0, packets: 0 };
  },
  inspect(s, d, off, len, ctx) {
    const m = parseTftp(d, off, len);
    if (!m) return Verdict.NotMine;
    // STUN (RFC 5389) messages of type 1..6 look like TFTP opcodes: its magic cookie tells them apart
    if (len >= 8 && d[off + 4] === 0x21 && d[off + 5] === 0x12 && d[off + 6] === 0xa4 && d[off + 7] === 0x42) return Verdict.NotMine;
    s.packets++;
    if (m.op === 1 || m.op === 2) {
      ctx.setProtocol(ctx.protocolId('TFTP'));
      ctx.setField('operation', m.op === 1 ? 'read' : 'write');
      ctx.setField('mode', m.mode);
      ctx.setField('filename', m.file!.slice(0, 256));
      return Verdict.Done;
    }
    if (m.op === 6) {
      // an option acknowledgement naming only RFC 2347–2349/7440 options
      if (!m.options!.every((o) => OPTIONS.includes(o.toLowerCase()))) return Verdict.NotMine;
      ctx.setProtocol(ctx.protocolId('TFTP'));
      return Verdict.Done;
    }
    // a transfer flow: DATA n answered by ACK n, or ACK n answered by DATA n+1, in the other direction
    if (s.expectBlock >= 0) {
      if (ctx.dir === s.dir) {
        // the sender goes on (retransmission or the next block): keep waiting
        return m.op === 3 || m.op === 4 ? Verdict.Continue : Verdict.NotMine;
      }
      const ok = (m.op === 4 && m.block === s.expectBlock) || (m.op === 3 && m.block === s.expectBlock) || m.op === 5;
      if (!ok) return Verdict.NotMine;
      ctx.setProtocol(ctx.protocolId('TFTP'));
      return Verdict.Done;
    }
    if (m.op === 3 && m.block === 1) s.expectBlock = 1;
    else if (m.op === 4 && m.block === 0) s.expectBlock = 1;
    else return Verdict.NotMine;
    s.dir = ctx.dir;
    if (ctx.serverPort === 69 || ctx.clientPort === 69) {
      ctx.setProtocol(ctx.protocolId('TFTP'));
      return Verdict.Done;
    }
    return Verdict.Continue;
  },
});
