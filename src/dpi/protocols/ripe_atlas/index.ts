import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { startsWithAscii } from '../../helpers/text.js';

// RIPE Atlas probe measurements (atlas.ripe.net documentation): UDP traceroute and similar
// measurement packets from Atlas probes carry the ASCII payload marker "MGLNDD_" (the Magellan
// probe software) followed by the probe's target address and a counter.

export default defineDissector<{ n: number }>({
  name: 'ripe_atlas',
  protocols: [{ name: 'RipeAtlas', category: 'Network', kind: 'protocol', description: 'RIPE Atlas measurement probes' }],
  transports: Transport.Udp | Transport.Tcp,
  firstBytes: [0x4d],
  maxPackets: 2,
  probe(d, off, len) {
    return startsWithAscii(d, off, len, 'MGLNDD_'.slice(0, Math.min(len, 7)));
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (len < 7) return ctx.l4 === 6 ? Verdict.Continue : Verdict.NotMine;
    if (!startsWithAscii(d, off, len, 'MGLNDD_')) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('RipeAtlas'));
    return Verdict.Done;
  },
});
