import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be, u32be } from '../../helpers/text.js';

// OpenFlow (ONF OpenFlow Switch Specification 1.0.0, 1.1.0, 1.2, 1.3.x, 1.4.x, 1.5.x; section
// "OpenFlow Header" and "Connection Setup"). Every message starts with the same 8-byte header:
// version (0x01 = 1.0 … 0x06 = 1.5), type, length (big-endian, header included) and xid. On a
// new connection both the switch and the controller send HELLO (type 0) first, its version
// the highest the sender speaks; from 1.3 a HELLO may carry elements (type, length, padded to
// 8 bytes), the version bitmap (type 1) listing every version the sender speaks. The session
// then uses the highest version both share (both bitmaps), else the lower HELLO version.
// A capture that starts after the HELLOs is recognised on two consecutive well-formed
// messages of one version. The version is output; nothing of the flow tables.

const HEADER = 8;
const HELLO = 0;
const ERROR = 1;
const FEATURES_REQUEST = 5;
const FEATURES_REPLY = 6;
const GET_CONFIG_REQUEST = 7;
const GET_CONFIG_REPLY = 8;
const SET_CONFIG = 9;
const HELLO_ELEMENT_VERSION_BITMAP = 1;
/** a HELLO is a header and a few elements: a longer one is not taken for one */
const MAX_HELLO = 1024;

/** the highest message type each version defines (ofp_type in each specification) */
const MAX_TYPE: Record<number, number> = { 1: 21, 2: 23, 3: 25, 4: 29, 5: 34, 6: 35 };
const VERSION_NAMES = ['', '1.0', '1.1', '1.2', '1.3', '1.4', '1.5'];

interface State {
  pos: [number, number];
  /** per direction: the first HELLO's version, 0 while none */
  hello: [number, number];
  /** per direction: the versions of the HELLO's version bitmap (bit n: version n), 0 when absent */
  bitmap: [number, number];
  /** well-formed messages seen without a HELLO, and their version */
  others: number;
  othersVersion: number;
  named: boolean;
}

/** The barrier messages moved when 1.1 added group and table modification. */
const barrierTypes = (v: number): [number, number] => (v === 1 ? [18, 19] : [20, 21]);

/** Is the header at d[at..at+8) (or its first `avail` bytes) one the specification allows? */
export function plausibleHeader(d: Uint8Array, at: number, avail: number): boolean {
  const v = d[at]!;
  const maxType = MAX_TYPE[v];
  if (maxType === undefined) return false;
  if (avail < 2) return true;
  const type = d[at + 1]!;
  if (type > maxType) return false;
  if (avail < 4) return true;
  const length = u16be(d, at + 2);
  if (length < HEADER) return false;
  const [barrierRequest, barrierReply] = barrierTypes(v);
  switch (type) {
    case FEATURES_REQUEST:
    case GET_CONFIG_REQUEST:
    case barrierRequest:
    case barrierReply:
      return length === HEADER;
    case ERROR:
      return length >= HEADER + 4;
    case GET_CONFIG_REPLY:
    case SET_CONFIG:
      return length === HEADER + 4;
    case FEATURES_REPLY:
      // 1.0: one 48-byte ofp_phy_port per port; 1.1, 1.2: 64-byte ofp_port; from 1.3 no ports
      if (v === 1) return length >= 32 && (length - 32) % 48 === 0;
      if (v <= 3) return length >= 32 && (length - 32) % 64 === 0;
      return length === 32;
    case HELLO:
      // before 1.3 a HELLO is the header alone (a receiver must ignore a body, but senders never
      // sent one); this also keeps TPKT (RDP, ISO-on-TCP: 03 00 and a length) out
      return v >= 4 ? length <= MAX_HELLO : length === HEADER;
    default:
      return true;
  }
}

/**
 * The elements of a 1.3+ HELLO body d[at..end): the version bitmap (0 when there is none), or
 * -1 when they do not fit the specification's layout.
 */
export function helloBitmap(d: Uint8Array, at: number, end: number): number {
  let bitmap = 0;
  let p = at;
  while (p < end) {
    if (end - p < 4) return -1;
    const type = u16be(d, p);
    const length = u16be(d, p + 2);
    if (length < 4 || p + length > end) return -1;
    if (type === HELLO_ELEMENT_VERSION_BITMAP) {
      if (length < 8 || (length - 4) % 4 !== 0) return -1;
      // the first 32-bit word holds versions 0–31: all that is defined
      bitmap = u32be(d, p + 4);
      if ((bitmap & 0x7e) === 0) return -1;
    }
    p += (length + 7) & ~7; // elements are padded to 8 bytes (the last one's padding may be left out)
  }
  return bitmap;
}

/** The version both peers speak: the highest in both bitmaps, else the lower HELLO version. */
export function negotiated(helloA: number, bitmapA: number, helloB: number, bitmapB: number): number {
  if (bitmapA !== 0 && bitmapB !== 0) {
    const common = bitmapA & bitmapB & 0x7e;
    for (let v = 6; v >= 1; v--) if (common & (1 << v)) return v;
  }
  return Math.min(helloA, helloB);
}

export default defineDissector<State>({
  name: 'openflow',
  protocols: [{ name: 'OpenFlow', category: 'Network', kind: 'protocol', tcpPorts: [6653, 6633], description: 'OpenFlow switch–controller protocol (1.0 to 1.5)' }],
  transports: Transport.Tcp,
  firstBytes: [1, 2, 3, 4, 5, 6],
  // a HELLO from each side, perhaps split
  maxPackets: 8,
  fields: [{ name: 'version', type: 'string', description: 'the OpenFlow version: the one both HELLOs agree on, else the first HELLO\'s (1.0 … 1.5)' }],
  probe(d, off, len) {
    return plausibleHeader(d, off, Math.min(len, HEADER));
  },
  createState() {
    return { pos: [0, 0], hello: [0, 0], bitmap: [0, 0], others: 0, othersVersion: 0, named: false };
  },
  inspect(s, d, off, len, ctx) {
    const dir = ctx.dir;
    if (ctx.gap) return s.named ? Verdict.Done : Verdict.NotMine;
    const refuse = s.named ? Verdict.Done : Verdict.NotMine;
    // this side's HELLO is known: only the other side's is still wanted
    if (s.hello[dir] !== 0) return Verdict.Continue;
    while (len - s.pos[dir] >= 1) {
      const at = off + s.pos[dir];
      const avail = len - s.pos[dir];
      if (!plausibleHeader(d, at, Math.min(avail, HEADER))) return refuse;
      if (avail < HEADER) break;
      const version = d[at]!;
      const type = d[at + 1]!;
      const length = u16be(d, at + 2);
      const first = s.pos[dir] === 0;
      if (first && type === HELLO) {
        if (avail < length) break;
        let bitmap = 0;
        if (version >= 4 && length > HEADER) {
          bitmap = helloBitmap(d, at + HEADER, at + length);
          if (bitmap < 0) return refuse;
          // the header carries the highest version of the bitmap
          if (bitmap !== 0 && (bitmap & (1 << version)) === 0) return refuse;
        }
        s.hello[dir] = version;
        s.bitmap[dir] = bitmap;
        s.pos[dir] += length;
        // what follows in the same segment must be OpenFlow too
        const rest = len - s.pos[dir];
        if (rest > 0 && !plausibleHeader(d, off + s.pos[dir], Math.min(rest, HEADER))) return refuse;
        s.named = true;
        ctx.setProtocol(ctx.protocolId('OpenFlow'));
        const other = s.hello[dir ^ 1];
        if (other === 0) {
          ctx.setField('version', VERSION_NAMES[version]);
          return Verdict.Continue;
        }
        ctx.setField('version', VERSION_NAMES[negotiated(version, bitmap, other, s.bitmap[dir ^ 1])]);
        return Verdict.Done;
      }
      if (s.named) return Verdict.Done; // the other side's HELLO is not first: keep the one seen
      if (avail < length) break;
      if (type === HELLO) return Verdict.NotMine; // a HELLO only opens a connection
      if (s.others > 0 && version !== s.othersVersion) return Verdict.NotMine;
      s.others++;
      s.othersVersion = version;
      s.pos[dir] += length;
      if (s.others >= 2) {
        s.named = true;
        ctx.setProtocol(ctx.protocolId('OpenFlow'));
        ctx.setField('version', VERSION_NAMES[version]);
        return Verdict.Done;
      }
    }
    return Verdict.Continue;
  },
});
