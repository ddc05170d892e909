import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { startsWithAscii } from '../../helpers/text.js';

// Checkmk agent (checkmk.com documentation, "The Checkmk agent"), TCP 6556: on connection the
// agent sends its report, a text document of sections, each introduced by a header line
// "<<<name>>>" — the first being "<<<check_mk>>>" — unless the report is encrypted (newer
// agents: a two-byte protocol marker such as "03"/"02"/"00"... then ciphertext, not handled).
// Report content is never output.

export default defineDissector<{ n: number }>({
  name: 'checkmk',
  protocols: [{ name: 'CHECKMK', category: 'DataTransfer', kind: 'protocol', tcpPorts: [6556], description: 'Checkmk monitoring agent' }],
  transports: Transport.Tcp,
  firstBytes: [0x3c],
  maxPackets: 3,
  probe(d, off, len) {
    return len < 3 || (d[off + 1] === 0x3c && d[off + 2] === 0x3c);
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const head = '<<<check_mk>>>';
    if (len < head.length) return startsWithAscii(d, off, len, head.slice(0, len)) ? Verdict.Continue : Verdict.NotMine;
    if (!startsWithAscii(d, off, len, head)) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('CHECKMK'));
    return Verdict.Done;
  },
});
