import { createHash } from 'node:crypto';

// SSH_MSG_KEXINIT (RFC 4253 §7.1) and the HASSH fingerprints (Salesforce, "HASSH - a profiling
// method for SSH clients and servers"): the MD5 of "kex;encryption;mac;compression" algorithm
// lists, client-to-server lists for the client (hassh) and server-to-client lists for the server
// (hasshServer).

export interface KexInit {
  kex: string;
  hostKey: string;
  encC2s: string;
  encS2c: string;
  macC2s: string;
  macS2c: string;
  compC2s: string;
  compS2c: string;
}

/**
 * The KEXINIT in the binary packet at data[off..off+len): uint32 packet_length, byte
 * padding_length, payload (msg 20, 16-byte cookie, name-lists). undefined while incomplete, null
 * when the bytes are not a KEXINIT packet.
 */
export function readKexInit(d: Uint8Array, off: number, len: number): KexInit | null | undefined {
  if (len < 6) return undefined;
  const plen = ((d[off]! << 24) >>> 0) + ((d[off + 1]! << 16) | (d[off + 2]! << 8) | d[off + 3]!);
  if (plen < 1 + 1 + 16 + 40 || plen > 35000) return null;
  const pad = d[off + 4]!;
  if (pad < 4 || pad >= plen) return null;
  if (d[off + 5] !== 20) return null;
  if (len < 4 + plen) return undefined;
  const end = off + 4 + plen - pad;
  let p = off + 6 + 16;
  const lists: string[] = [];
  for (let i = 0; i < 10; i++) {
    if (p + 4 > end) return null;
    const l = ((d[p]! << 24) >>> 0) + ((d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!);
    p += 4;
    if (l > end - p) return null;
    let s = '';
    for (let k = p; k < p + l; k++) {
      const c = d[k]!;
      if (c < 0x20 || c > 0x7e) return null;
      s += String.fromCharCode(c);
    }
    lists.push(s);
    p += l;
  }
  return { kex: lists[0]!, hostKey: lists[1]!, encC2s: lists[2]!, encS2c: lists[3]!, macC2s: lists[4]!, macS2c: lists[5]!, compC2s: lists[6]!, compS2c: lists[7]! };
}

export function hassh(k: KexInit): string {
  return createHash('md5').update(`${k.kex};${k.encC2s};${k.macC2s};${k.compC2s}`).digest('hex');
}

export function hasshServer(k: KexInit): string {
  return createHash('md5').update(`${k.kex};${k.encS2c};${k.macS2c};${k.compS2c}`).digest('hex');
}
