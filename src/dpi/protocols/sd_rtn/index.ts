import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be, u16le } from '../../helpers/text.js';

// SD-RTN, Agora's real-time network (voice/video SDKs), over UDP to its edge servers (UDP 8130
// among the ports Agora's firewall documentation lists). The wire protocol is proprietary and
// undocumented; this relies on publicly visible, fixed traits of its connection set-up only:
//   bytes 0-1  a 16-bit packet counter        bytes 2-3  the sender's connection word
//   bytes 4-5  zero                           byte 6     control type: 0x21 client hello,
//   byte 7     zero                                      0x23 server hello, 0x02 acknowledgement
//   bytes 8-11 the peer's counter and word (zero in the first hello)
// Hellos then carry a byte and a list of tagged values: a 4-byte upper-case tag ('SNI\0',
// 'PEID', 'PDMD', …) and a little-endian 16-bit length. The client hello's 'SNI\0' value is
// the edge server's name (…edge.agora.io), output as the flow's host name.

export const HELLO_CLIENT = 0x21;
export const HELLO_SERVER = 0x23;

/** Is d[at..at+4) a hello tag: three upper-case letters then an upper-case letter or NUL? */
function isTag(d: Uint8Array, at: number): boolean {
  for (let i = 0; i < 4; i++) {
    const c = d[at + i]!;
    if (!(c >= 0x41 && c <= 0x5a) && !(i === 3 && c === 0)) return false;
  }
  return true;
}

/** 0x21 / 0x23 when the datagram is an SD-RTN hello, else 0 */
export function helloType(d: Uint8Array, off: number, len: number): number {
  if (len < 19 || len > 1500) return 0;
  if (u16be(d, off + 4) !== 0 || d[off + 7] !== 0) return 0;
  const t = d[off + 6]!;
  if (t !== HELLO_CLIENT && t !== HELLO_SERVER) return 0;
  // the first hello of a connection knows no peer yet
  if (t === HELLO_CLIENT && (d[off + 8]! | d[off + 9]! | d[off + 10]! | d[off + 11]!) !== 0) return 0;
  if (!isTag(d, off + 13)) return 0;
  if (19 + u16le(d, off + 17) > len) return 0;
  return t;
}

/** the 'SNI\0' value of a client hello when it is the first tag and a host name, else null */
export function helloServerName(d: Uint8Array, off: number, len: number): string | null {
  if (d[off + 13] !== 0x53 || d[off + 14] !== 0x4e || d[off + 15] !== 0x49 || d[off + 16] !== 0) return null;
  const n = u16le(d, off + 17);
  if (n === 0 || n > 253 || 19 + n > len) return null;
  let name = '';
  for (let i = 0; i < n; i++) {
    const c = d[off + 19 + i]!;
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
    if (!ok) return null;
    name += String.fromCharCode(c);
  }
  return name.toLowerCase();
}

interface State {
  hellos: number;
}

export default defineDissector<State>({
  name: 'sd_rtn',
  protocols: [{ name: 'SD-RTN', category: 'Media', kind: 'protocol', udpPorts: [8130], description: "Agora's Software Defined Real-Time Network (voice/video SDKs)" }],
  transports: Transport.Udp,
  maxPackets: 3,
  probe(d, off, len) {
    return helloType(d, off, len) !== 0;
  },
  createState() {
    return { hellos: 0 };
  },
  inspect(s, d, off, len, ctx) {
    const t = helloType(d, off, len);
    if (t === 0) return s.hellos > 0 ? Verdict.Done : Verdict.NotMine;
    s.hellos++;
    ctx.setProtocol(ctx.protocolId('SD-RTN'));
    if (t === HELLO_CLIENT) {
      const name = helloServerName(d, off, len);
      if (name) ctx.setHostname(name);
    }
    return Verdict.Done;
  },
});
