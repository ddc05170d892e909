import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// TRDP, the Train Real-time Data Protocol (IEC 61375-2-3:2015, Annex A), big endian on the wire.
// Process data (UDP 17224): a 40-byte header — sequence counter, protocol version (0x0100: 1.0),
// message type (two ASCII letters: Pd data, Pp pull reply, Pr pull request, Pe error), comId,
// etbTopoCnt, opTrnTopoCnt, dataset length, a reserved 0, reply comId, reply IP address — closed
// by a header FCS, the CRC-32 of the 36 bytes before it. Message data (UDP or TCP 17225): a
// 116-byte header — sequence counter, version, type (Mn notification, Mr request, Mp reply,
// Mq reply asking for confirmation, Mc confirmation, Me error), comId, the two topography
// counters, dataset length, reply status, a session UUID, reply timeout, source and destination
// URIs (32 bytes each) — also closed by a header FCS. The 32-bit CRC makes a header hard to fake.

const PD_PORT = 17224;
const MD_PORT = 17225;
const PD_HEADER = 40;
const MD_HEADER = 116;
const PD_MAX_DATASET = 1432;
const MD_MAX_DATASET = 65388;

const PD_TYPES = new Set(['Pd', 'Pp', 'Pr', 'Pe']);
const MD_TYPES = new Set(['Mn', 'Mr', 'Mp', 'Mq', 'Mc', 'Me']);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (the IEEE 802.3 polynomial, reflected) of d[start..end) */
export function crc32(d: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ d[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const byteSwap = (v: number): number => (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;

/** Does the header's FCS match? Big endian per the standard; the little-endian order is also seen. */
function headerFcsHolds(d: Uint8Array, off: number, headerLength: number): boolean {
  const stored = u32be(d, off + headerLength - 4);
  const computed = crc32(d, off, off + headerLength - 4);
  return stored === computed || stored === byteSwap(computed);
}

const messageType = (d: Uint8Array, off: number): string => String.fromCharCode(d[off + 6]!, d[off + 7]!);

export interface TrdpHeader {
  type: string;
  comId: number;
  version: string;
}

/**
 * The TRDP header at d[off..]: null when it is not one, undefined while a TCP stream has not
 * brought all of it. `datagram`: len is one whole UDP datagram, so the dataset must fit in it.
 */
export function parseTrdp(d: Uint8Array, off: number, len: number, datagram: boolean): TrdpHeader | null | undefined {
  if (len >= 5 && d[off + 4] !== 0x01) return null; // main version 1
  if (len >= 7 && d[off + 6] !== 0x50 && d[off + 6] !== 0x4d) return null;
  if (len < 8) return datagram ? null : undefined;
  const type = messageType(d, off);
  const processData = PD_TYPES.has(type);
  if (!processData && !MD_TYPES.has(type)) return null;
  // process data travel over UDP only
  if (processData && !datagram) return null;
  const headerLength = processData ? PD_HEADER : MD_HEADER;
  if (len < headerLength) return datagram ? null : undefined;
  const datasetLength = u32be(d, off + 20);
  if (datasetLength > (processData ? PD_MAX_DATASET : MD_MAX_DATASET)) return null;
  if (processData && u32be(d, off + 24) !== 0) return null;
  if (datagram && len < headerLength + datasetLength) return null;
  if (!headerFcsHolds(d, off, headerLength)) return null;
  return { type, comId: u32be(d, off + 8), version: `${d[off + 4]}.${d[off + 5]}` };
}

export default defineDissector<{ n: number }>({
  name: 'trdp',
  protocols: [{ name: 'TRDP', category: 'IoT-Scada', kind: 'protocol', tcpPorts: [MD_PORT], udpPorts: [PD_PORT, MD_PORT], description: 'Train Real-time Data Protocol (IEC 61375-2-3), process and message data' }],
  transports: Transport.Udp | Transport.Tcp,
  // the sequence counter comes first: any byte
  maxPackets: 8,
  fields: [
    { name: 'message_type', type: 'string', description: 'type of the first message: Pd, Pp, Pr, Pe (process data) or Mn, Mr, Mp, Mq, Mc, Me (message data)' },
    { name: 'com_id', type: 'int', description: 'communication identifier (comId) of the first message: the kind of data it carries' },
    { name: 'version', type: 'string', description: "protocol version of the header ('1.0')" },
  ],
  probe(d, off, len, ctx) {
    if (ctx.l4 === 17 && len < PD_HEADER) return false;
    if (len < 8) return len < 5 || d[off + 4] === 0x01;
    return d[off + 4] === 0x01 && (d[off + 6] === 0x50 || d[off + 6] === 0x4d);
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    const h = parseTrdp(d, off, len, ctx.l4 === 17);
    if (h === null) return Verdict.NotMine;
    if (h === undefined) return Verdict.Continue;
    ctx.setProtocol(ctx.protocolId('TRDP'));
    ctx.setField('message_type', h.type);
    ctx.setField('com_id', h.comId);
    ctx.setField('version', h.version);
    return Verdict.Done;
  },
});
