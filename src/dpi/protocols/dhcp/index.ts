import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// DHCP (RFC 2131, options RFC 2132): a BOOTP message (op 1 request / 2 reply, hardware type and
// address length, 236 fixed bytes) then the magic cookie 99.130.83.99 and options. Option 53 is
// the message type, option 60 the vendor class. The client's host name (option 12) names a
// subscriber's device and is not output.

interface State {
  done: boolean;
}

const TYPES = ['', 'DISCOVER', 'OFFER', 'REQUEST', 'DECLINE', 'ACK', 'NAK', 'RELEASE', 'INFORM', 'FORCERENEW', 'LEASEQUERY', 'LEASEUNASSIGNED', 'LEASEUNKNOWN', 'LEASEACTIVE', 'BULKLEASEQUERY', 'LEASEQUERYDONE', 'ACTIVELEASEQUERY', 'LEASEQUERYSTATUS', 'TLS'];
const MAGIC = 0x63825363;

export function isDhcp(d: Uint8Array, off: number, len: number): boolean {
  if (len < 240) return false;
  const op = d[off]!;
  if (op !== 1 && op !== 2) return false;
  if (d[off + 2]! > 16 || d[off + 3]! > 16) return false; // hlen, hops
  return u32be(d, off + 236) === MAGIC;
}

export interface DhcpOptions {
  type?: number;
  vendorClass?: string;
}

export function readOptions(d: Uint8Array, off: number, len: number): DhcpOptions | null {
  const out: DhcpOptions = {};
  let p = off + 240;
  const end = off + len;
  while (p < end) {
    const code = d[p]!;
    if (code === 0) {
      p++;
      continue;
    }
    if (code === 255) return out;
    if (p + 2 > end) return null;
    const l = d[p + 1]!;
    if (p + 2 + l > end) return null;
    if (code === 53 && l === 1) out.type = d[p + 2]!;
    else if (code === 60 && l > 0) {
      let s = '';
      for (let k = 0; k < l; k++) {
        const c = d[p + 2 + k]!;
        s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
      }
      out.vendorClass = s;
    }
    p += 2 + l;
  }
  return out; // no END option: tolerated (truncated captures)
}

export default defineDissector<State>({
  name: 'dhcp',
  protocols: [{ name: 'DHCP', category: 'Network', kind: 'protocol', udpPorts: [67, 68], description: 'Dynamic Host Configuration Protocol' }],
  transports: Transport.Udp,
  firstBytes: [1, 2],
  maxPackets: 2,
  fields: [
    { name: 'message_type', type: 'string', description: 'the DHCP message type of the first message (DISCOVER, REQUEST, …)' },
    { name: 'vendor_class', type: 'string', description: 'the vendor class identifier (option 60), e.g. MSFT 5.0' },
  ],
  probe(d, off, len) {
    return isDhcp(d, off, len);
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (!isDhcp(d, off, len)) return Verdict.NotMine;
    const o = readOptions(d, off, len);
    if (o === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('DHCP'));
    if (o.type !== undefined) ctx.setField('message_type', TYPES[o.type] ?? String(o.type));
    if (o.vendorClass !== undefined) ctx.setField('vendor_class', o.vendorClass.slice(0, 100));
    return Verdict.Done;
  },
});
