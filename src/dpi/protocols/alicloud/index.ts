import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32le } from '../../helpers/text.js';

// Alibaba Cloud's device/IoT connection protocol (the one its SDKs speak on TCP 8999). No public
// specification; what public captures show: every message starts with an 8-byte little-endian
// header, the magic 0xBABEFACE and a 32-bit word that is the body length in the server's
// messages (the client's opening message is header-only and carries 0x80 there). The magic at the
// start of the flow names it; nothing of the session is output.

const MAGIC = 0xbabeface;
const HEADER = 8;

export function aliCloudHeader(d: Uint8Array, off: number, len: number): boolean {
  if (len < HEADER || u32le(d, off) !== MAGIC) return false;
  const word = u32le(d, off + 4);
  return len === HEADER || word === len - HEADER || word <= 0xffff;
}

export default defineDissector<null>({
  name: 'alicloud',
  protocols: [{ name: 'AliCloud', category: 'Cloud', kind: 'application', tcpPorts: [8999], description: 'Alibaba Cloud device connection protocol' }],
  transports: Transport.Tcp,
  firstBytes: [0xce],
  maxPackets: 2,
  probe(d, off, len) {
    return len < HEADER ? d[off + 1] === 0xfa : aliCloudHeader(d, off, len);
  },
  createState() {
    return null;
  },
  inspect(_s, d, off, len, ctx) {
    if (len < HEADER) return Verdict.Continue;
    if (!aliCloudHeader(d, off, len)) return Verdict.NotMine;
    ctx.setApplication(ctx.protocolId('AliCloud'));
    return Verdict.Done;
  },
});
