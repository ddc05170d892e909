import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { readIke } from './parser.js';

// IPsec key exchange: ISAKMP / IKEv1 / IKEv2 messages on UDP (500, or 4500 after the non-ESP
// marker, see parser.ts). ESP itself (IP protocol 50) is named by the engine from the IP header.

interface State {
  seen: number;
}

export default defineDissector<State>({
  name: 'ipsec_ike',
  protocols: [{ name: 'IPsec', ndpi: 'IPSec', category: 'VPN', kind: 'protocol', udpPorts: [500, 4500], description: 'IPsec: IKE key exchange, and ESP' }],
  transports: Transport.Udp,
  maxPackets: 2,
  fields: [{ name: 'ike_version', type: 'int', description: 'IKE major version: 1 (ISAKMP/IKEv1) or 2' }],
  probe(data, off, len) {
    return ike(data, off, len) !== null;
  },
  createState() {
    return { seen: 0 };
  },
  inspect(_state, data, off, len, ctx) {
    const h = ike(data, off, len);
    if (!h) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('IPsec'));
    ctx.setField('ike_version', h.version);
    return Verdict.Done;
  },
});

function ike(data: Uint8Array, off: number, len: number): ReturnType<typeof readIke> {
  if (len >= 32 && data[off] === 0 && data[off + 1] === 0 && data[off + 2] === 0 && data[off + 3] === 0) {
    return readIke(data, off + 4, len - 4, true);
  }
  return readIke(data, off, len, true);
}
