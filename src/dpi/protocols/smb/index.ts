import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// SMB over TCP ([MS-SMB2] §2.1, [MS-CIFS] §2.1): each message has a 4-byte NetBIOS session
// header (type 0x00, 24-bit length) then the SMB header: 0xFF 'SMB' for SMB1, 0xFE 'SMB' for
// SMB2/3, 0xFD 'SMB' for an encrypted SMB3 transform, 0xFC 'SMB' for a compressed one.
// (NetBIOS session requests on 139 are named by the netbios dissector.)

interface State {
  pos: [number, number];
}

/** 1 for SMB1, 2 for SMB2/3, 0 when the bytes at i are no SMB header */
export function smbVersionAt(d: Uint8Array, i: number): number {
  if (d[i + 1] !== 0x53 || d[i + 2] !== 0x4d || d[i + 3] !== 0x42) return 0;
  const m = d[i]!;
  return m === 0xff ? 1 : m === 0xfe || m === 0xfd || m === 0xfc ? 2 : 0;
}

const SMB1_COMMANDS: Record<number, string> = { 0x72: 'NEGOTIATE', 0x73: 'SESSION_SETUP_ANDX', 0x75: 'TREE_CONNECT_ANDX', 0x25: 'TRANSACTION', 0xa2: 'NT_CREATE_ANDX' };

export default defineDissector<State>({
  name: 'smb',
  protocols: [
    { name: 'SMBv2', ndpi: 'SMBv23', category: 'System', kind: 'protocol', tcpPorts: [445], description: 'Server Message Block versions 2 and 3' },
    { name: 'SMBv1', category: 'System', kind: 'protocol', description: 'Server Message Block version 1 (CIFS); TCP 445 is guessed as SMB 2/3, what it carries today' },
  ],
  transports: Transport.Tcp,
  firstBytes: [0x00],
  maxPackets: 4,
  fields: [
    { name: 'dialect', type: 'string', description: 'SMB1 or SMB2 (the header of the first message)' },
    { name: 'command', type: 'string', description: 'the first SMB1 command, when known' },
  ],
  probe(d, off, len) {
    if (len < 8) return len >= 1 && d[off] === 0;
    return d[off] === 0 && smbVersionAt(d, off + 4) > 0;
  },
  createState() {
    return { pos: [0, 0] };
  },
  inspect(_s, d, off, len, ctx) {
    if (len < 8) return Verdict.Continue;
    if (d[off] !== 0) return Verdict.NotMine;
    const plen = (d[off + 1]! << 16) | u16be(d, off + 2);
    const v = smbVersionAt(d, off + 4);
    if (v === 0 || plen < (v === 1 ? 32 : 16) || plen > 0xffffff) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId(v === 1 ? 'SMBv1' : 'SMBv2'));
    ctx.setField('dialect', v === 1 ? 'SMB1' : 'SMB2');
    if (v === 1 && len >= 9) {
      const c = SMB1_COMMANDS[d[off + 8]!];
      if (c) ctx.setField('command', c);
    }
    return Verdict.Done;
  },
});
