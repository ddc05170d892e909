import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16le, u32le } from '../../helpers/text.js';

// CIP implicit (I/O) messages of EtherNet/IP, UDP 2222 (ODVA, The CIP Networks Library Vol. 2,
// EtherNet/IP Adaptation of CIP: §2-6 Common Packet Format and §3-2 the UDP transport for
// class 0/1 connected data). There is no encapsulation header: the datagram is a Common Packet
// Format, little endian, filled exactly by its items:
//   item count u16 (2 for I/O; a sockaddr info item may follow in some profiles)
//   sequenced address item: type 0x8002, length 8, connection id u32, encapsulation sequence u32
//   connected data item: type 0x00B1, length n, then the connection's data (class 1 starts it
//   with a 16-bit CIP sequence count)
// The explicit messaging encapsulation of TCP/UDP 44818 is the `ethernetip` folder's.

const PORT = 2222;
const ITEM_SEQUENCED_ADDRESS = 0x8002;
const ITEM_CONNECTED_DATA = 0x00b1;
/** the other item types §2-6 defines that may travel in an I/O datagram: null, sockaddr O→T / T→O */
const OTHER_ITEMS = new Set([0x0000, 0x8000, 0x8001]);

export interface IoMessage {
  connectionId: number;
  sequence: number;
}

/** the I/O datagram, or null when it is not a CPF with a sequenced address and connected data */
export function parseIo(d: Uint8Array, off: number, len: number): IoMessage | null {
  const end = off + len;
  if (len < 2 + 12 + 4) return null;
  const count = u16le(d, off);
  if (count < 2 || count > 4) return null;
  let p = off + 2;
  let address: IoMessage | null = null;
  let data = false;
  for (let i = 0; i < count; i++) {
    if (p + 4 > end) return null;
    const type = u16le(d, p);
    const n = u16le(d, p + 2);
    p += 4;
    if (p + n > end) return null;
    if (i === 0) {
      // §3-2: the sequenced address item comes first, then the data item
      if (type !== ITEM_SEQUENCED_ADDRESS || n !== 8) return null;
      const connectionId = u32le(d, p);
      if (connectionId === 0) return null;
      address = { connectionId, sequence: u32le(d, p + 4) };
    } else if (i === 1) {
      if (type !== ITEM_CONNECTED_DATA) return null;
      data = true;
    } else if (!OTHER_ITEMS.has(type)) {
      return null;
    }
    p += n;
  }
  return p === end && data ? address : null;
}

interface State {
  first: IoMessage | null;
}

export default defineDissector<State>({
  name: 'cip',
  protocols: [{ name: 'CIP', category: 'IoT-Scada', kind: 'protocol', udpPorts: [PORT], description: 'Common Industrial Protocol implicit I/O (EtherNet/IP class 0/1 connected data)' }],
  transports: Transport.Udp,
  firstBytes: [0x02, 0x03, 0x04],
  maxPackets: 4,
  fields: [{ name: 'connection_id', type: 'int', description: 'the connection id of the first I/O datagram (from the Forward_Open that set the connection up)' }],
  probe(d, off, len) {
    return len >= 18 && d[off + 1] === 0 && d[off + 2] === 0x02 && d[off + 3] === 0x80 && d[off + 4] === 8 && d[off + 5] === 0;
  },
  createState() {
    return { first: null };
  },
  inspect(s, d, off, len, ctx) {
    const m = parseIo(d, off, len);
    if (m === null) return Verdict.NotMine;
    if (ctx.serverPort !== PORT && ctx.clientPort !== PORT) {
      // elsewhere: the same connection again, its encapsulation sequence moving on
      if (s.first === null) {
        s.first = m;
        return Verdict.Continue;
      }
      const step = (m.sequence - s.first.sequence) >>> 0;
      if (m.connectionId !== s.first.connectionId || step === 0 || step > 16) return Verdict.NotMine;
    }
    ctx.setProtocol(ctx.protocolId('CIP'));
    ctx.setField('connection_id', (s.first ?? m).connectionId);
    return Verdict.Done;
  },
});
