import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// PTP version 2 (IEEE 1588-2008 §13.3 common header), UDP 319 (event) and 320 (general): byte 0
// is transportSpecific (4 bits) and messageType (0 Sync, 1 Delay_Req, 2 Pdelay_Req, 3 Pdelay_Resp,
// 8 Follow_Up, 9 Delay_Resp, 0xA Pdelay_Resp_Follow_Up, 0xB Announce, 0xC Signaling,
// 0xD Management); byte 1's low nibble is versionPTP (2); then messageLength (u16) covering the
// whole message (34-byte header and body), domain number, flags, correction, source port identity.

const MIN_BODY: Record<number, number> = { 0: 10, 1: 10, 2: 20, 3: 20, 8: 10, 9: 20, 0xa: 20, 0xb: 30, 0xc: 10, 0xd: 14 };
const NAMES: Record<number, string> = { 0: 'sync', 1: 'delay_req', 2: 'pdelay_req', 3: 'pdelay_resp', 8: 'follow_up', 9: 'delay_resp', 0xa: 'pdelay_resp_follow_up', 0xb: 'announce', 0xc: 'signaling', 0xd: 'management' };

export function ptpMessage(d: Uint8Array, off: number, len: number): string | null {
  if (len < 44) return null;
  const type = d[off]! & 0x0f;
  if ((d[off + 1]! & 0x0f) !== 2) return null;
  const body = MIN_BODY[type];
  if (body === undefined) return null;
  const n = u16be(d, off + 2);
  if (n < 34 + body || n > len) return null;
  return NAMES[type]!;
}

export default defineDissector<{ n: number }>({
  name: 'ptpv2',
  protocols: [{ name: 'PTPv2', category: 'System', kind: 'protocol', udpPorts: [319, 320], description: 'Precision Time Protocol version 2 (IEEE 1588)' }],
  transports: Transport.Udp,
  maxPackets: 2,
  fields: [{ name: 'message', type: 'string', description: 'type of the first message (sync, announce, …)' }],
  probe(d, off, len, ctx) {
    const port = ctx.serverPort === 319 || ctx.serverPort === 320 || ctx.clientPort === 319 || ctx.clientPort === 320;
    return port && ptpMessage(d, off, len) !== null;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const m = ptpMessage(d, off, len);
    if (m === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('PTPv2'));
    ctx.setField('message', m);
    return Verdict.Done;
  },
});
