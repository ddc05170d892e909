// Builds pcap and pcapng files in memory for tests and fixture generators. Deliberately simple and
// independent of the parsers (BigInt timestamps, explicit DataView writes) so it can check them.

export interface PcapRecord {
  /** microseconds since the epoch; a fraction survives into nanosecond files */
  ts: number;
  data: Uint8Array;
  /** defaults to data.length */
  wireLen?: number;
}

export interface PcapOptions {
  /** written verbatim into the header's network field, so FCS flags in the upper bits can be tested */
  linkType: number;
  nanos?: boolean;
  bigEndian?: boolean;
  snaplen?: number;
}

export interface PcapngInterface {
  linkType: number;
  /** raw if_tsresol option byte (bit 7: power of two); omitted means no option, i.e. microseconds */
  tsresol?: number;
  /** if_tsoffset in seconds */
  tsoffset?: number;
  /** defaults to 0 (unlimited) */
  snaplen?: number;
}

export interface PcapngPacket {
  iface: number;
  /** microseconds since the epoch, before tsoffset is taken off */
  ts: number;
  data: Uint8Array;
  /** defaults to data.length */
  wireLen?: number;
}

export interface PcapngOptions {
  bigEndian?: boolean;
}

const DEFAULT_SNAPLEN = 262144;
const MICROS_PER_SECOND = 1_000_000;

export const PcapngBlockType = {
  SectionHeader: 0x0a0d0d0a,
  InterfaceDescription: 1,
  ObsoletePacket: 2,
  SimplePacket: 3,
  NameResolution: 4,
  InterfaceStatistics: 5,
  EnhancedPacket: 6,
} as const;

export function writePcap(records: PcapRecord[], opts: PcapOptions): Uint8Array {
  const littleEndian = !opts.bigEndian;
  const size = 24 + records.reduce((sum, r) => sum + 16 + r.data.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, opts.nanos ? 0xa1b23c4d : 0xa1b2c3d4, littleEndian);
  view.setUint16(4, 2, littleEndian);
  view.setUint16(6, 4, littleEndian);
  view.setInt32(8, 0, littleEndian); // thiszone
  view.setUint32(12, 0, littleEndian); // sigfigs
  view.setUint32(16, opts.snaplen ?? DEFAULT_SNAPLEN, littleEndian);
  view.setUint32(20, opts.linkType >>> 0, littleEndian);
  let offset = 24;
  for (const record of records) {
    const seconds = Math.floor(record.ts / MICROS_PER_SECOND);
    const fractionMicros = record.ts - seconds * MICROS_PER_SECOND;
    const fraction = opts.nanos ? Math.round(fractionMicros * 1000) : Math.round(fractionMicros);
    view.setUint32(offset, seconds, littleEndian);
    view.setUint32(offset + 4, fraction, littleEndian);
    view.setUint32(offset + 8, record.data.length, littleEndian);
    view.setUint32(offset + 12, record.wireLen ?? record.data.length, littleEndian);
    out.set(record.data, offset + 16);
    offset += 16 + record.data.length;
  }
  return out;
}

/** One section: SHB, an IDB per interface, an EPB per packet. Concatenate results for several sections. */
export function writePcapng(
  interfaces: PcapngInterface[],
  packets: PcapngPacket[],
  opts: PcapngOptions = {},
): Uint8Array {
  const bigEndian = opts.bigEndian ?? false;
  const blocks: Uint8Array[] = [sectionHeaderBlock(bigEndian)];
  for (const iface of interfaces) blocks.push(interfaceDescriptionBlock(iface, bigEndian));
  for (const packet of packets) {
    const iface = interfaces[packet.iface];
    const ticks = iface ? timestampTicks(packet.ts, iface) : BigInt(Math.round(packet.ts));
    blocks.push(enhancedPacketBlock(packet.iface, ticks, packet.data, packet.wireLen ?? packet.data.length, bigEndian));
  }
  return concatBytes(blocks);
}

/** A block of any type around `body` (padded to 4 bytes here), for blocks writePcapng does not produce. */
export function pcapngBlock(type: number, body: Uint8Array, bigEndian = false): Uint8Array {
  const paddedBody = (body.length + 3) & ~3;
  const total = 12 + paddedBody;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, !bigEndian);
  view.setUint32(4, total, !bigEndian);
  out.set(body, 8);
  view.setUint32(total - 4, total, !bigEndian);
  return out;
}

export function sectionHeaderBlock(bigEndian = false): Uint8Array {
  const body = new Uint8Array(16);
  const view = new DataView(body.buffer);
  view.setUint32(0, 0x1a2b3c4d, !bigEndian);
  view.setUint16(4, 1, !bigEndian);
  view.setUint16(6, 0, !bigEndian);
  view.setBigInt64(8, -1n, !bigEndian); // section length unknown
  return pcapngBlock(PcapngBlockType.SectionHeader, body, bigEndian);
}

export function interfaceDescriptionBlock(iface: PcapngInterface, bigEndian = false): Uint8Array {
  const options: Uint8Array[] = [];
  if (iface.tsresol !== undefined) options.push(pcapngOption(9, Uint8Array.of(iface.tsresol), bigEndian));
  if (iface.tsoffset !== undefined) {
    const value = new Uint8Array(8);
    new DataView(value.buffer).setBigInt64(0, BigInt(iface.tsoffset), !bigEndian);
    options.push(pcapngOption(14, value, bigEndian));
  }
  if (options.length > 0) options.push(pcapngOption(0, new Uint8Array(0), bigEndian));
  const fixed = new Uint8Array(8);
  const view = new DataView(fixed.buffer);
  view.setUint16(0, iface.linkType, !bigEndian);
  view.setUint32(4, iface.snaplen ?? 0, !bigEndian);
  return pcapngBlock(PcapngBlockType.InterfaceDescription, concatBytes([fixed, ...options]), bigEndian);
}

/** `options` are appended after the padded packet data (already encoded, e.g. with pcapngOption). */
export function enhancedPacketBlock(
  interfaceId: number,
  ticks: bigint,
  data: Uint8Array,
  wireLen: number,
  bigEndian = false,
  options: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const paddedData = (data.length + 3) & ~3;
  const body = new Uint8Array(20 + paddedData + options.length);
  const view = new DataView(body.buffer);
  view.setUint32(0, interfaceId, !bigEndian);
  view.setUint32(4, Number(ticks >> 32n), !bigEndian);
  view.setUint32(8, Number(ticks & 0xffffffffn), !bigEndian);
  view.setUint32(12, data.length, !bigEndian);
  view.setUint32(16, wireLen, !bigEndian);
  body.set(data, 20);
  body.set(options, 20 + paddedData);
  return pcapngBlock(PcapngBlockType.EnhancedPacket, body, bigEndian);
}

/** Option TLV with its value padded to 4 bytes. */
export function pcapngOption(code: number, value: Uint8Array, bigEndian = false): Uint8Array {
  const out = new Uint8Array(4 + ((value.length + 3) & ~3));
  const view = new DataView(out.buffer);
  view.setUint16(0, code, !bigEndian);
  view.setUint16(2, value.length, !bigEndian);
  out.set(value, 4);
  return out;
}

/** The interface's timestamp units for a time in µs: (ts - tsoffset) scaled by if_tsresol. */
export function timestampTicks(tsMicros: number, iface: PcapngInterface): bigint {
  const resolution = iface.tsresol ?? 6;
  const exponent = resolution & 0x7f;
  const micros = tsMicros - (iface.tsoffset ?? 0) * MICROS_PER_SECOND;
  const wholeMicros = Math.floor(micros);
  const fractionMicros = micros - wholeMicros;
  if (resolution & 0x80) {
    // units of 2^-exponent s: ticks = micros * 2^exponent / 1e6, rounded
    const nanos = BigInt(wholeMicros) * 1000n + BigInt(Math.round(fractionMicros * 1000));
    return (nanos * 2n ** BigInt(exponent) + 500_000_000n) / 1_000_000_000n;
  }
  if (exponent >= 6) {
    const perMicro = 10n ** BigInt(exponent - 6);
    return BigInt(wholeMicros) * perMicro + BigInt(Math.round(fractionMicros * Number(perMicro)));
  }
  const microsPerTick = 10n ** BigInt(6 - exponent);
  return BigInt(Math.round(micros)) / microsPerTick;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
