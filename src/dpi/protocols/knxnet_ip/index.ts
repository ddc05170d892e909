import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// KNXnet/IP (KNX Standard 03.08.02 "Core", 03.08.03 Device Management, 03.08.04 Tunnelling,
// 03.08.05 Routing, 03.08.07 Remote Diagnosis, and KNX IP Secure; ISO 22510), UDP and TCP 3671.
// Every frame opens with a 6-byte header: header length 0x06, protocol version 0x10, the service
// type identifier (u16, its high byte the service family) and the total length (u16, header
// included). Over UDP one frame fills the datagram; over TCP frames follow one another.
// Bodies are built of structures that carry their own length: the HPAI (host protocol address
// information: length 8, host protocol 0x01 IPv4 UDP or 0x02 IPv4 TCP, address, port), the CRI
// and CRD of a connection (length, connection type), the DIBs of a description, and the 4-byte
// connection header (length 4, channel id, sequence counter, reserved) of tunnelling and device
// management frames; cEMI frames (tunnelled or routed telegrams) are left alone.

const KNX_PORT = 3671;
const HEADER_LENGTH = 6;
const VERSIONS: ReadonlyMap<number, string> = new Map([
  [0x10, '1.0'],
  [0x20, '2.0'],
]);

const HPAI_LENGTH = 8;
const isHpai = (d: Uint8Array, at: number): boolean => d[at] === HPAI_LENGTH && (d[at + 1] === 0x01 || d[at + 1] === 0x02);
/** device management 0x03, tunnel 0x04, remote logging 0x06, remote configuration 0x07, object server 0x08 */
const CONNECTION_TYPES = new Set([0x03, 0x04, 0x06, 0x07, 0x08]);
const isConnectionStructure = (d: Uint8Array, at: number, end: number): boolean => {
  const length = d[at]!;
  return length >= 2 && at + length === end && CONNECTION_TYPES.has(d[at + 1]!);
};
const isConnectionHeader = (d: Uint8Array, at: number): boolean => d[at] === 0x04;
/** the device information DIB (type 0x01) is 54 bytes and comes first in a description */
const isDeviceInfoDib = (d: Uint8Array, at: number, end: number): boolean => end - at >= 54 && d[at] === 54 && d[at + 1] === 0x01;

/** checks a body d[at..end) of the given service; undefined: not a service the standard defines */
type BodyCheck = (d: Uint8Array, at: number, end: number) => boolean;
const exactly = (n: number, more?: BodyCheck): BodyCheck => (d, at, end) => end - at === n && (more === undefined || more(d, at, end));
const atLeast = (n: number, more?: BodyCheck): BodyCheck => (d, at, end) => end - at >= n && (more === undefined || more(d, at, end));

const SERVICES: ReadonlyMap<number, { name: string; body: BodyCheck }> = new Map([
  [0x0201, { name: 'SEARCH_REQUEST', body: exactly(8, (d, at) => isHpai(d, at)) }],
  [0x0202, { name: 'SEARCH_RESPONSE', body: atLeast(8 + 54, (d, at, end) => isHpai(d, at) && isDeviceInfoDib(d, at + 8, end)) }],
  [0x0203, { name: 'DESCRIPTION_REQUEST', body: exactly(8, (d, at) => isHpai(d, at)) }],
  [0x0204, { name: 'DESCRIPTION_RESPONSE', body: atLeast(54, (d, at, end) => isDeviceInfoDib(d, at, end)) }],
  [0x0205, { name: 'CONNECT_REQUEST', body: atLeast(18, (d, at, end) => isHpai(d, at) && isHpai(d, at + 8) && isConnectionStructure(d, at + 16, end)) }],
  // a refused connection carries the channel id and the status alone
  [0x0206, { name: 'CONNECT_RESPONSE', body: (d, at, end) => (end - at === 2 && d[at + 1] !== 0) || (end - at >= 12 && isHpai(d, at + 2) && isConnectionStructure(d, at + 10, end)) }],
  [0x0207, { name: 'CONNECTIONSTATE_REQUEST', body: exactly(10, (d, at) => isHpai(d, at + 2)) }],
  [0x0208, { name: 'CONNECTIONSTATE_RESPONSE', body: exactly(2) }],
  [0x0209, { name: 'DISCONNECT_REQUEST', body: exactly(10, (d, at) => isHpai(d, at + 2)) }],
  [0x020a, { name: 'DISCONNECT_RESPONSE', body: exactly(2) }],
  [0x020b, { name: 'SEARCH_REQUEST_EXTENDED', body: atLeast(8, (d, at) => isHpai(d, at)) }],
  [0x020c, { name: 'SEARCH_RESPONSE_EXTENDED', body: atLeast(8 + 54, (d, at, end) => isHpai(d, at) && isDeviceInfoDib(d, at + 8, end)) }],
  [0x0310, { name: 'DEVICE_CONFIGURATION_REQUEST', body: atLeast(6, (d, at) => isConnectionHeader(d, at)) }],
  [0x0311, { name: 'DEVICE_CONFIGURATION_ACK', body: exactly(4, (d, at) => isConnectionHeader(d, at)) }],
  [0x0420, { name: 'TUNNELLING_REQUEST', body: atLeast(6, (d, at) => isConnectionHeader(d, at)) }],
  [0x0421, { name: 'TUNNELLING_ACK', body: exactly(4, (d, at) => isConnectionHeader(d, at)) }],
  [0x0422, { name: 'TUNNELLING_FEATURE_GET', body: atLeast(6, (d, at) => isConnectionHeader(d, at)) }],
  [0x0423, { name: 'TUNNELLING_FEATURE_RESPONSE', body: atLeast(6, (d, at) => isConnectionHeader(d, at)) }],
  [0x0424, { name: 'TUNNELLING_FEATURE_SET', body: atLeast(6, (d, at) => isConnectionHeader(d, at)) }],
  [0x0425, { name: 'TUNNELLING_FEATURE_INFO', body: atLeast(6, (d, at) => isConnectionHeader(d, at)) }],
  [0x0530, { name: 'ROUTING_INDICATION', body: atLeast(2) }],
  [0x0531, { name: 'ROUTING_LOST_MESSAGE', body: exactly(4, (d, at) => d[at] === 4) }],
  [0x0532, { name: 'ROUTING_BUSY', body: exactly(6, (d, at) => d[at] === 6) }],
  [0x0533, { name: 'ROUTING_SYSTEM_BROADCAST', body: atLeast(2) }],
  [0x0740, { name: 'REMOTE_DIAGNOSTIC_REQUEST', body: atLeast(10, (d, at) => isHpai(d, at)) }],
  [0x0741, { name: 'REMOTE_DIAGNOSTIC_RESPONSE', body: atLeast(10, (d, at) => isHpai(d, at)) }],
  [0x0742, { name: 'REMOTE_BASIC_CONFIGURATION_REQUEST', body: atLeast(10, (d, at) => isHpai(d, at)) }],
  [0x0743, { name: 'REMOTE_RESET_REQUEST', body: atLeast(10, (d, at) => isHpai(d, at)) }],
  // KNX IP Secure: a wrapper holds session id, sequence, serial, tag, the wrapped frame, a 16-byte MAC
  [0x0950, { name: 'SECURE_WRAPPER', body: atLeast(2 + 6 + 6 + 2 + HEADER_LENGTH + 16) }],
  [0x0951, { name: 'SECURE_SESSION_REQUEST', body: atLeast(8 + 32, (d, at) => isHpai(d, at)) }],
  [0x0952, { name: 'SECURE_SESSION_RESPONSE', body: atLeast(2 + 32 + 16) }],
  [0x0953, { name: 'SECURE_SESSION_AUTHENTICATE', body: atLeast(2 + 16) }],
  [0x0954, { name: 'SECURE_SESSION_STATUS', body: atLeast(2) }],
  [0x0955, { name: 'SECURE_TIMER_NOTIFY', body: atLeast(6 + 6 + 2 + 16) }],
]);

export interface KnxFrame {
  service: string;
  version: string;
  totalLength: number;
}

/**
 * The frame at d[off..off+len): null when it breaks the standard, undefined when its header or
 * body is not all there yet.
 */
export function parseKnxFrame(d: Uint8Array, off: number, len: number): KnxFrame | null | undefined {
  if (len >= 1 && d[off] !== HEADER_LENGTH) return null;
  if (len >= 2 && !VERSIONS.has(d[off + 1]!)) return null;
  if (len < HEADER_LENGTH) return undefined;
  const entry = SERVICES.get(u16be(d, off + 2));
  if (entry === undefined) return null;
  const totalLength = u16be(d, off + 4);
  if (totalLength < HEADER_LENGTH + 2) return null;
  if (len < totalLength) return undefined;
  if (!entry.body(d, off + HEADER_LENGTH, off + totalLength)) return null;
  return { service: entry.name, version: VERSIONS.get(d[off + 1]!)!, totalLength };
}

export default defineDissector<{ n: number }>({
  name: 'knxnet_ip',
  protocols: [{ name: 'KNXnet_IP', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [KNX_PORT], udpPorts: [KNX_PORT], description: 'KNXnet/IP building automation (KNX over IP: search, tunnelling, routing)' }],
  transports: Transport.Udp | Transport.Tcp,
  firstBytes: [HEADER_LENGTH],
  // TCP may bring a frame a few bytes at a time
  maxPackets: 12,
  fields: [
    { name: 'service', type: 'string', description: 'service type of the first frame (SEARCH_REQUEST, CONNECT_REQUEST, ROUTING_INDICATION, …)' },
    { name: 'version', type: 'string', description: "KNXnet/IP protocol version of the header ('1.0')" },
  ],
  probe(d, off, len) {
    return len < 2 || VERSIONS.has(d[off + 1]!);
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const frame = parseKnxFrame(d, off, len);
    if (frame === null) return Verdict.NotMine;
    if (frame === undefined) return ctx.l4 === 6 ? Verdict.Continue : Verdict.NotMine;
    // a datagram is one frame, exactly
    if (ctx.l4 === 17 && frame.totalLength !== len) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('KNXnet_IP'));
    ctx.setField('service', frame.service);
    ctx.setField('version', frame.version);
    return Verdict.Done;
  },
});
