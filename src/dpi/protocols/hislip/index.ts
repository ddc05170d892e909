import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// HiSLIP, High-Speed LAN Instrument Protocol (IVI-6.1 §2.5), TCP 4880: every message has a
// 16-byte header — prologue "HS", message type (0..26), control code, message parameter (u32)
// and payload length (u64, big endian) — then the payload. A client opens with Initialize (0),
// answered by InitializeResponse (1); the asynchronous channel opens with AsyncInitialize (17).

const NAMES = ['Initialize', 'InitializeResponse', 'FatalError', 'Error', 'AsyncLock', 'AsyncLockResponse', 'Data', 'DataEnd',
  'DeviceClearComplete', 'DeviceClearAcknowledge', 'AsyncRemoteLocalControl', 'AsyncRemoteLocalResponse', 'Trigger', 'Interrupted',
  'AsyncInterrupted', 'AsyncMaximumMessageSize', 'AsyncMaximumMessageSizeResponse', 'AsyncInitialize', 'AsyncInitializeResponse',
  'AsyncDeviceClear', 'AsyncServiceRequest', 'AsyncStatusQuery', 'AsyncStatusResponse', 'AsyncDeviceClearAcknowledge',
  'AsyncLockInfo', 'AsyncLockInfoResponse', 'GetDescriptors'];

export function hislipType(d: Uint8Array, off: number, len: number): number | null {
  if (len < 16 || d[off] !== 0x48 || d[off + 1] !== 0x53) return null;
  const type = d[off + 2]!;
  if (type >= NAMES.length && type < 128) return null; // 128..255 are vendor specific
  if (u32be(d, off + 8) !== 0) return null; // payload length's high word: far below 4 GiB
  return type;
}

export default defineDissector<{ n: number }>({
  name: 'hislip',
  protocols: [{ name: 'HiSLIP', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [4880], description: 'High-Speed LAN Instrument Protocol (IVI-6.1)' }],
  transports: Transport.Tcp,
  firstBytes: [0x48],
  maxPackets: 3,
  fields: [{ name: 'message', type: 'string', description: 'type of the first message (Initialize, AsyncInitialize, …)' }],
  probe(d, off, len) {
    return len < 2 ? d[off] === 0x48 : d[off + 1] === 0x53;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    if (len < 16) return len >= 2 && d[off + 1] !== 0x53 ? Verdict.NotMine : Verdict.Continue;
    const t = hislipType(d, off, len);
    if (t === null) return Verdict.NotMine;
    // off-port, only the opening messages of a session
    if (ctx.serverPort !== 4880 && t !== 0 && t !== 1 && t !== 17 && t !== 18) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('HiSLIP'));
    ctx.setField('message', NAMES[t] ?? 'vendor_specific');
    return Verdict.Done;
  },
});
