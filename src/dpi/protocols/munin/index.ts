import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { isHostName, readLine, startsWithAscii } from '../../helpers/text.js';

// Munin node protocol (munin-monitoring.org "Munin node protocol"), TCP 4949: a line protocol.
// The node greets with "# munin node at <name>\n"; the master sends commands such as
// "cap <capabilities>", "list", "nodes", "config <plugin>", "fetch <plugin>", "version", "quit".
// The node's name from its greeting is the flow's host name (the monitored server's own name, as
// an SMTP greeting names its server); plugin names and values are never output.

const COMMANDS = ['cap ', 'list', 'nodes', 'config ', 'fetch ', 'version', 'quit', 'spoolfetch '];

export default defineDissector<{ n: number }>({
  name: 'munin',
  protocols: [{ name: 'Munin', category: 'System', kind: 'protocol', tcpPorts: [4949], description: 'Munin monitoring node protocol' }],
  transports: Transport.Tcp,
  firstBytes: [0x23, 0x63, 0x6c, 0x6e, 0x66, 0x76, 0x71, 0x73],
  maxPackets: 3,
  probe(d, off, _len, ctx) {
    return d[off] === 0x23 || ctx.serverPort === 4949;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const banner = '# munin node at ';
    if (d[off] === 0x23) {
      if (len < banner.length) return Verdict.Continue;
      if (!startsWithAscii(d, off, len, banner)) return Verdict.NotMine;
      const line = readLine(d, off, len, 0, 256);
      if (line === undefined) return Verdict.Continue;
      const node = line ? line.text.slice(banner.length).trim() : '';
      if (isHostName(node)) ctx.setHostname(node);
    } else {
      if (ctx.dir !== 0 || ctx.serverPort !== 4949) return Verdict.NotMine;
      if (len < 4) return Verdict.Continue;
      if (!COMMANDS.some((c) => startsWithAscii(d, off, len, c))) return Verdict.NotMine;
    }
    ctx.setProtocol(ctx.protocolId('Munin'));
    return Verdict.Done;
  },
});
