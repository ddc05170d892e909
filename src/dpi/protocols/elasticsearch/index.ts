import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// Elasticsearch transport protocol (node-to-node and transport clients, port 9300; the REST API
// on 9200 is plain HTTP and left to the HTTP dissector). Each message starts with the marker
// bytes 'E' 'S' and a signed 32-bit big-endian length of the rest (-1: a ping), then a 64-bit
// request id, a status byte (bit 0 response, bit 1 error, bit 2 compressed, bit 3 handshake)
// and a 32-bit version id (major*1000000 + minor*10000 + revision*100 + build, e.g. 7060299 for
// 7.6.2). Source: Elasticsearch's TcpHeader / TcpTransport documentation and source comments.

interface State {
  seen: number;
}

export interface EsHeader {
  length: number;
  status: number;
  version: string;
}

/** the message header at data[off..], null when not one, undefined when too short */
export function esHeader(d: Uint8Array, off: number, len: number): EsHeader | null | undefined {
  if (len < 2) return undefined;
  if (d[off] !== 0x45 || d[off + 1] !== 0x53) return null;
  if (len < 6) return undefined;
  const length = u32be(d, off + 2);
  if (length === 0xffffffff) return { length: -1, status: 0, version: '' }; // a ping
  if (length < 13 || length > 0x7fffffff) return null;
  if (len < 19) return undefined;
  const status = d[off + 14]!;
  if (status & 0xe0) return null;
  const v = u32be(d, off + 15);
  const major = Math.floor(v / 1000000);
  // versions 5.0 to 99 (ids of 1.x-2.x used another layout); build 99 is a release
  if (major < 5 || major > 99) return null;
  const minor = Math.floor(v / 10000) % 100;
  const rev = Math.floor(v / 100) % 100;
  return { length, status, version: `${major}.${minor}.${rev}` };
}

export default defineDissector<State>({
  name: 'elasticsearch',
  protocols: [{ name: 'Elasticsearch', category: 'Database', kind: 'protocol', tcpPorts: [9300], description: 'Elasticsearch transport protocol (binary, between nodes)' }],
  transports: Transport.Tcp,
  firstBytes: [0x45],
  maxPackets: 4,
  fields: [{ name: 'version', type: 'string', description: 'the node version the message header carries (e.g. 7.6.2)' }],
  probe(d, off, len) {
    return len > 0 && d[off] === 0x45 && (len < 2 || d[off + 1] === 0x53);
  },
  createState() {
    return { seen: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.gap) return Verdict.NotMine;
    const h = esHeader(d, off, len);
    if (h === undefined) return Verdict.Continue;
    if (h === null || h.length === -1) return Verdict.NotMine;
    // the message fits the length it declares, or is still arriving
    if (len > 6 + h.length && esHeader(d, off + 6 + h.length, len - 6 - h.length) === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Elasticsearch'));
    ctx.setField('version', h.version);
    return Verdict.Done;
  },
});
