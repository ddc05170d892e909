import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { isHostName, isPrintablePrefix } from '../../helpers/text.js';

// WHOIS (RFC 3912), TCP 43, and Domain Availability Service (DAS, TCP 4343, as run by several
// registries): the client sends one query line ending with CR LF; the server answers with text
// and closes. Recognised from the query — a short printable line ending CR LF — or from a
// printable answer on port 43. A query that is one domain name (what is looked up, as a DNS query
// names it) is the flow's host name; other query text and the answer are never output.

function queryLine(d: Uint8Array, off: number, len: number): boolean {
  return len >= 3 && len <= 512 && d[off + len - 1] === 0x0a && isPrintablePrefix(d, off, len, len);
}

export default defineDissector<{ n: number }>({
  name: 'whois_das',
  protocols: [{ name: 'Whois-DAS', category: 'Network', kind: 'protocol', tcpPorts: [43, 4343], description: 'WHOIS and Domain Availability Service' }],
  transports: Transport.Tcp,
  maxPackets: 3,
  probe(_d, _off, _len, ctx) {
    return ctx.serverPort === 43 || ctx.serverPort === 4343 || ctx.clientPort === 43;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    // the side on port 43/4343 answers (a capture may start with the answer)
    const senderPort = ctx.dir === 0 ? ctx.clientPort : ctx.serverPort;
    if (senderPort !== 43 && senderPort !== 4343) {
      if (!isPrintablePrefix(d, off, len, 512)) return Verdict.NotMine;
      if (!queryLine(d, off, len)) return len < 512 ? Verdict.Continue : Verdict.NotMine;
      let q = '';
      for (let i = off; i < off + len && d[i] !== 0x0d && d[i] !== 0x0a; i++) q += String.fromCharCode(d[i]!);
      if (isHostName(q, true)) ctx.setHostname(q);
    } else if (senderPort !== 43 || len < 8 || !isPrintablePrefix(d, off, len, 256)) {
      return Verdict.NotMine;
    }
    ctx.setProtocol(ctx.protocolId('Whois-DAS'));
    return Verdict.Done;
  },
});
