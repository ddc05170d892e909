import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// ClickHouse native TCP protocol (ClickHouse docs, "Native protocol": Hello). Both sides open with
// a Hello packet: the packet type 0 as an unsigned LEB128 varint, the client's (or server's) name
// as a string (varint length, bytes), then the version major, minor and the protocol revision as
// varints (revisions count from 54000 on: 54060, 54460…). The client goes on with the database,
// user and password; the server with its time zone and display name.

interface State {
  done: boolean;
}

const MAX_NAME = 64;
const MIN_REVISION = 54000;
const MAX_REVISION = 60000;

/** The unsigned LEB128 varint at d[i] (at most 4 bytes), -1 when cut at `end`, -2 when longer. */
function varint(d: Uint8Array, i: number, end: number, out: { v: number; next: number }): number {
  let v = 0;
  for (let k = 0; k < 4; k++) {
    if (i + k >= end) return -1;
    const b = d[i + k]!;
    v += (b & 0x7f) * 2 ** (7 * k);
    if ((b & 0x80) === 0) {
      out.v = v;
      out.next = i + k + 1;
      return 0;
    }
  }
  return -2;
}

const scratch = { v: 0, next: 0 };

/** A Hello packet at data[off..off+len): 0 not one, 1 one, -1 cut short. */
export function checkHello(d: Uint8Array, off: number, len: number): -1 | 0 | 1 {
  const end = off + len;
  if (len < 1) return -1;
  if (d[off] !== 0x00) return 0;
  if (len < 2) return -1;
  const nameLen = d[off + 1]!;
  if (nameLen < 1 || nameLen > MAX_NAME) return 0; // one-byte varint: at most 127 anyway
  const nameEnd = off + 2 + nameLen;
  for (let i = off + 2; i < Math.min(nameEnd, end); i++) {
    const c = d[i]!;
    if (c < 0x20 || c > 0x7e) return 0;
  }
  if (nameEnd >= end) return -1;
  const o = scratch;
  let r = varint(d, nameEnd, end, o);
  if (r !== 0) return r === -1 ? -1 : 0;
  if (o.v > 1000) return 0; // version major
  r = varint(d, o.next, end, o);
  if (r !== 0) return r === -1 ? -1 : 0;
  if (o.v > 1000) return 0; // version minor
  r = varint(d, o.next, end, o);
  if (r !== 0) return r === -1 ? -1 : 0; // protocol revision
  return o.v >= MIN_REVISION && o.v <= MAX_REVISION ? 1 : 0;
}

export default defineDissector<State>({
  name: 'clickhouse',
  protocols: [{ name: 'ClickHouse', category: 'Database', kind: 'protocol', tcpPorts: [9000], description: 'ClickHouse native TCP protocol' }],
  transports: Transport.Tcp,
  firstBytes: [0x00],
  maxPackets: 3,
  probe(d, off, len) {
    return checkHello(d, off, len) !== 0;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    const r = checkHello(d, off, len);
    if (r < 0) return Verdict.Continue;
    if (r === 0) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('ClickHouse'));
    return Verdict.Done;
  },
});
