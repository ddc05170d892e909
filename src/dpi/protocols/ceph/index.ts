import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { startsWithAscii } from '../../helpers/text.js';

// Ceph messenger (docs.ceph.com "Messenger v2" and the v1 protocol notes): both peers open the
// connection with a banner — "ceph v027" for msgr v1 (monitors on 6789, OSDs 6800–7300) or
// "ceph v2\n" for msgr v2 (monitors on 3300) — before any other exchange.

export default defineDissector<{ n: number }>({
  name: 'ceph',
  protocols: [{ name: 'Ceph', category: 'DataTransfer', kind: 'protocol', tcpPorts: [6789, 3300], description: 'Ceph distributed storage messenger' }],
  transports: Transport.Tcp,
  firstBytes: [0x63],
  maxPackets: 2,
  fields: [{ name: 'messenger', type: 'string', description: 'v1 or v2' }],
  probe(d, off, len) {
    return startsWithAscii(d, off, len, 'ceph v'.slice(0, Math.min(len, 6)));
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (len < 8) return startsWithAscii(d, off, len, 'ceph v'.slice(0, Math.min(len, 6))) ? Verdict.Continue : Verdict.NotMine;
    let v: string | null = null;
    if (startsWithAscii(d, off, len, 'ceph v027')) v = 'v1';
    else if (startsWithAscii(d, off, len, 'ceph v2\n')) v = 'v2';
    if (!v) return len < 9 ? Verdict.Continue : Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Ceph'));
    ctx.setField('messenger', v);
    return Verdict.Done;
  },
});
