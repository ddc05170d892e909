import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// SOME/IP (AUTOSAR "SOME/IP Protocol Specification", PRS_SOMEIP): a 16-byte header of message
// id (service u16, method/event u16), length u32 (bytes after this field: 8 + payload), request
// id (client u16, session u16), protocol version (1), interface version, message type (0x00
// request, 0x01 request without return, 0x02 notification, 0x80 response, 0x81 error, with 0x40
// for the legacy ACK variants and 0x20 for SOME/IP-TP segments) and return code (0x00..0x5e).
// SOME/IP-SD uses service 0xffff, method 0x8100 (UDP/TCP 30490). A UDP datagram holds whole
// messages back to back; we check that they tile it exactly.

const TYPES = new Set([0x00, 0x01, 0x02, 0x40, 0x41, 0x42, 0x80, 0x81, 0xc0, 0xc1]);

/** is a SOME/IP header at data[off..]; `whole`: the messages must fill len exactly */
export function someIpMessages(d: Uint8Array, off: number, len: number, whole: boolean): number {
  let p = 0;
  let n = 0;
  while (p + 16 <= len) {
    const length = u32be(d, off + p + 4);
    const type = d[off + p + 14]! & ~0x20;
    if (length < 8 || d[off + p + 12] !== 1 || !TYPES.has(type) || d[off + p + 15]! > 0x5e) return n > 0 && !whole ? n : 0;
    p += 8 + length;
    n++;
    if (n >= 8) break;
  }
  if (whole && p !== len) return 0;
  return n;
}

export default defineDissector<{ n: number }>({
  name: 'someip',
  protocols: [{ name: 'SOMEIP', category: 'RPC', kind: 'protocol', tcpPorts: [30490, 30491, 30501], udpPorts: [30490, 30491, 30501], description: 'Scalable service-Oriented MiddlewarE over IP (AUTOSAR)' }],
  transports: Transport.Udp | Transport.Tcp,
  maxPackets: 2,
  fields: [{ name: 'service_discovery', type: 'bool', description: 'SOME/IP-SD message (service 0xffff, method 0x8100)' }],
  probe(d, off, len) {
    return len >= 16 && d[off + 12] === 1 && u32be(d, off + 4) >= 8;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (len < 16) return ctx.l4 === 6 ? Verdict.Continue : Verdict.NotMine;
    // UDP: the messages tile the datagram; TCP: off the SOME/IP ports, the stream so far must too
    const known = [30490, 30491, 30501].includes(ctx.serverPort);
    const n = someIpMessages(d, off, len, ctx.l4 === 17 || !known);
    if (n === 0) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('SOMEIP'));
    ctx.setField('service_discovery', d[off] === 0xff && d[off + 1] === 0xff && d[off + 2] === 0x81 && d[off + 3] === 0x00);
    return Verdict.Done;
  },
});
