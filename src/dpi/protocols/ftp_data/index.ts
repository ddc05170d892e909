import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { fileFormat, listingKind, MAGIC_BYTES, mayBeData } from './parser.js';

// The data connection of FTP (RFC 959): the server connects from port 20 in active mode, or the
// client to a port the server gave in its PASV/EPSV answer (both ends unprivileged). No header:
// the flow is named from what it carries, a directory listing (LIST, MLSD) or a file whose
// format announces itself in its first bytes. The control channel is the 'ftp' dissector.

interface State {
  packets: number;
}

/** an FTP data connection has port 20 on one end, or two unprivileged ports */
function dataPorts(clientPort: number, serverPort: number): boolean {
  return clientPort === 20 || serverPort === 20 || (clientPort >= 1024 && serverPort >= 1024);
}

export default defineDissector<State>({
  name: 'ftp_data',
  protocols: [{ name: 'FTP-DATA', ndpi: 'FTP_DATA', category: 'Download', kind: 'protocol', tcpPorts: [20], description: 'FTP data connection (files and directory listings)' }],
  transports: Transport.Tcp,
  maxPackets: 3,
  fields: [
    { name: 'content', type: 'string', description: "what the connection carries: 'listing' (LIST), 'mlsd' (MLSD facts) or 'file'" },
    { name: 'file_type', type: 'string', description: 'the format a file announces in its first bytes (zip, pdf, png, gzip, elf…)' },
  ],
  probe(d, off, len, ctx) {
    return dataPorts(ctx.clientPort, ctx.serverPort) && mayBeData(d, off, len);
  },
  createState() {
    return { packets: 0 };
  },
  inspect(s, d, off, len, ctx) {
    s.packets++;
    const listing = listingKind(d, off, len);
    if (listing !== null) {
      ctx.setProtocol(ctx.protocolId('FTP-DATA'));
      ctx.setField('content', listing);
      return Verdict.Done;
    }
    const format = fileFormat(d, off, len);
    if (format === undefined && len < MAGIC_BYTES && s.packets < 3) return Verdict.Continue;
    if (typeof format !== 'string') return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('FTP-DATA'));
    ctx.setField('content', 'file');
    ctx.setField('file_type', format);
    return Verdict.Done;
  },
});
