// Builds well-formed frames for tests and fixture captures: each function wraps a payload in
// one header, so a stack reads inside-out, e.g. ethernet(ipv4({...}, udp(53, 5353, dns))).

import { parseIpv6 } from '../flow/address.js';

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const u16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const u32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];

export function ipv4Words(text: string): number {
  const o = text.split('.').map(Number);
  return ((o[0]! << 24) >>> 0) + ((o[1]! << 16) | (o[2]! << 8) | o[3]!);
}

export function ipv6Bytes(text: string): number[] {
  const b = parseIpv6(text);
  if (b === null) throw new Error(`bad IPv6 address ${text}`);
  return Array.from(b);
}

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export const MAC_A = [0x02, 0, 0, 0, 0, 0x0a];
export const MAC_B = [0x02, 0, 0, 0, 0, 0x0b];

export function ethernet(etherType: number, payload: Uint8Array, opts: { vlans?: number[]; src?: number[]; dst?: number[] } = {}): Uint8Array {
  const tags = (opts.vlans ?? []).flatMap((vid, i, all) => [...u16(i === 0 && all.length > 1 ? 0x88a8 : 0x8100), ...u16(vid)]);
  return concat(new Uint8Array([...(opts.dst ?? MAC_B), ...(opts.src ?? MAC_A), ...tags, ...u16(etherType)]), payload);
}

export interface Ipv4Options {
  src: string;
  dst: string;
  proto: number;
  id?: number;
  ttl?: number;
  /** fragment offset in bytes (multiple of 8) */
  fragmentOffset?: number;
  moreFragments?: boolean;
  /** override the total length field (to build malformed packets) */
  totalLength?: number;
  options?: number[];
}

export function ipv4(o: Ipv4Options, payload: Uint8Array): Uint8Array {
  const opts = o.options ?? [];
  const ihl = 5 + Math.ceil(opts.length / 4);
  const header = new Uint8Array(ihl * 4);
  const frag = ((o.moreFragments ? 0x2000 : 0) | ((o.fragmentOffset ?? 0) >> 3)) & 0xffff;
  header.set([0x40 | ihl, 0, ...u16(o.totalLength ?? ihl * 4 + payload.length), ...u16(o.id ?? 1), ...u16(frag), o.ttl ?? 64, o.proto, 0, 0, ...u32(ipv4Words(o.src)), ...u32(ipv4Words(o.dst))]);
  header.set(opts, 20);
  const sum = checksum(header);
  header[10] = sum >> 8;
  header[11] = sum & 0xff;
  return concat(header, payload);
}

export function ipv6(o: { src: string; dst: string; next: number; hopLimit?: number }, payload: Uint8Array): Uint8Array {
  return concat(new Uint8Array([0x60, 0, 0, 0, ...u16(payload.length), o.next, o.hopLimit ?? 64, ...ipv6Bytes(o.src), ...ipv6Bytes(o.dst)]), payload);
}

/** IPv6 fragment extension header + fragment data */
export function ipv6Fragment(next: number, offset: number, more: boolean, id: number, data: Uint8Array): Uint8Array {
  return concat(new Uint8Array([next, 0, ...u16(offset | (more ? 1 : 0)), ...u32(id)]), data);
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

export function tcp(sport: number, dport: number, flags: number, payload: Uint8Array = new Uint8Array(0), seq = 1000, ack = 0): Uint8Array {
  return concat(new Uint8Array([...u16(sport), ...u16(dport), ...u32(seq), ...u32(ack), 0x50, flags, ...u16(65535), 0, 0, 0, 0]), payload);
}

export function udp(sport: number, dport: number, payload: Uint8Array): Uint8Array {
  return concat(new Uint8Array([...u16(sport), ...u16(dport), ...u16(8 + payload.length), 0, 0]), payload);
}

export function icmpEcho(type: number, id: number, seq: number, payload: Uint8Array = new Uint8Array(8)): Uint8Array {
  return concat(new Uint8Array([type, 0, 0, 0, ...u16(id), ...u16(seq)]), payload);
}

export function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Splits an IPv4 datagram's payload into fragments of at most `chunk` bytes (a multiple of 8). */
export function fragmentIpv4(o: Ipv4Options, payload: Uint8Array, chunk: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0; off < payload.length; off += chunk) {
    const part = payload.subarray(off, Math.min(payload.length, off + chunk));
    out.push(ipv4({ ...o, fragmentOffset: off, moreFragments: off + chunk < payload.length }, part));
  }
  return out;
}
