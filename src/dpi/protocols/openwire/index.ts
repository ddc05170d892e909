import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// OpenWire, ActiveMQ's wire format (ActiveMQ "OpenWire" specification): each side of a connection
// opens with a WireFormatInfo command, framed by a 4-byte big-endian size (the bytes after it),
// then the command type 1 (WIREFORMAT_INFO), then the magic "ActiveMQ", the format version and the
// negotiated options as a marshalled map.

interface State {
  done: boolean;
}

const MAGIC = [0x41, 0x63, 0x74, 0x69, 0x76, 0x65, 0x4d, 0x51]; // "ActiveMQ"
const MAX_SIZE = 1 << 20;

/** A WireFormatInfo at data[off..off+len): 0 not one, 1 one, -1 cut short. */
export function checkWireFormatInfo(d: Uint8Array, off: number, len: number): -1 | 0 | 1 {
  // the bytes there are so far must match; the size is read once all four are in
  if (len >= 1 && d[off] !== 0x00) return 0;
  if (len >= 5 && d[off + 4] !== 0x01) return 0;
  for (let k = 0; k < MAGIC.length && 5 + k < len; k++) if (d[off + 5 + k] !== MAGIC[k]) return 0;
  if (len < 13) return -1;
  const size = u32be(d, off);
  // the size covers the rest of this segment at least (a WireFormatInfo is sent alone)
  if (size < 9 + 4 || size > MAX_SIZE || size < len - 4) return 0;
  return 1;
}

export default defineDissector<State>({
  name: 'openwire',
  protocols: [{ name: 'OpenWire', category: 'RPC', kind: 'protocol', tcpPorts: [61616], description: 'Apache ActiveMQ OpenWire protocol' }],
  transports: Transport.Tcp,
  firstBytes: [0x00],
  maxPackets: 3,
  probe(d, off, len) {
    return checkWireFormatInfo(d, off, len) !== 0;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    const r = checkWireFormatInfo(d, off, len);
    if (r < 0) return Verdict.Continue;
    if (r === 0) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('OpenWire'));
    return Verdict.Done;
  },
});
