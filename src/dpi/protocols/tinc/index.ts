import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { latin1, readLine } from '../../helpers/text.js';

// tinc VPN meta protocol (tinc manual, "The meta-protocol" and "Legacy authentication
// protocol"; doc/PROTOCOL). Requests are ASCII lines led by their number; on a new meta
// connection (TCP 655) each side sends an ID request first, "0 <name> 17" (tinc 1.0) or
// "0 <name> 17.<minor>" (tinc 1.1): request 0, the node's name (letters, digits and
// underscores), the protocol major version 17 and the minor. METAKEY (1), CHALLENGE (2),
// CHAL_REPLY (3) and ACK (4) follow, or SPTPS records when both sides speak 1.1's new
// protocol. The data packets (UDP 655) are encrypted from the first byte and are not read.
// Output: the protocol version of the first ID line; never the node name.

interface State {
  done: boolean;
}

const ID_LINE = /^0 [A-Za-z0-9_]{1,128} (17(?:\.\d{1,3})?)$/;
/** what an ID line may start with, while its line feed has not come */
const ID_LINE_START = /^0(?: (?:[A-Za-z0-9_]{1,128}(?: (?:1(?:7(?:\.\d{0,3})?)?)?)?)?)?$/;
/** an ID line: "0 ", a name of at most 128 characters, " 17.nnn", the line feed */
const MAX_ID_LINE = 2 + 128 + 7;

const isNameChar = (c: number): boolean => (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || c === 0x5f;

export default defineDissector<State>({
  name: 'tinc',
  protocols: [{ name: 'tinc', ndpi: 'TINC', category: 'VPN', kind: 'protocol', tcpPorts: [655], udpPorts: [655], description: 'tinc VPN meta protocol' }],
  transports: Transport.Tcp,
  firstBytes: [0x30],
  maxPackets: 4,
  fields: [{ name: 'version', type: 'string', description: 'the meta protocol version of the first ID request: 17 (tinc 1.0) or 17.minor (tinc 1.1)' }],
  probe(d, off, len) {
    if (d[off] !== 0x30) return false;
    if (len >= 2 && d[off + 1] !== 0x20) return false;
    return len < 3 || isNameChar(d[off + 2]!);
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.gap) return Verdict.NotMine;
    const line = readLine(d, off, len, 0, MAX_ID_LINE);
    if (line === undefined) return ID_LINE_START.test(latin1(d, off, off + len)) ? Verdict.Continue : Verdict.NotMine;
    if (line === null) return Verdict.NotMine;
    const m = ID_LINE.exec(line.text);
    if (!m) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('tinc'));
    ctx.setField('version', m[1]);
    return Verdict.Done;
  },
});
