import { parseIpv4, parseIpv6 } from '../flow/address.js';

// Which addresses are the user's own devices: prefixes given with --local, or by default the
// private and link-local ranges (RFC 1918, RFC 6598, RFC 4193, RFC 4291), where home and office
// devices live behind their router.

export const DEFAULT_LOCAL = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', 'fc00::/7', 'fe80::/10'];

interface Prefix {
  bytes: Uint8Array;
  length: number;
}

export class LocalNetworkError extends Error {}

function bytesOf(address: string): Uint8Array | null {
  const v4 = parseIpv4(address);
  if (v4 !== null) return Uint8Array.of(v4 >>> 24, (v4 >>> 16) & 0xff, (v4 >>> 8) & 0xff, v4 & 0xff);
  return parseIpv6(address);
}

export class LocalNetworks {
  private readonly prefixes: Prefix[];

  constructor(cidrs: readonly string[] = DEFAULT_LOCAL) {
    this.prefixes = cidrs.map((cidr) => {
      const [address, lengthText] = cidr.split('/') as [string, string | undefined];
      const bytes = bytesOf(address);
      const max = bytes?.length === 4 ? 32 : 128;
      const length = lengthText === undefined ? max : /^\d{1,3}$/.test(lengthText) ? Number(lengthText) : NaN;
      if (bytes === null || !(length >= 0 && length <= max)) throw new LocalNetworkError(`'${cidr}' is not an address prefix (e.g. 192.168.1.0/24 or fd00::/8)`);
      return { bytes, length };
    });
  }

  has(address: string): boolean {
    const b = bytesOf(address);
    if (b === null) return false;
    return this.prefixes.some((p) => p.bytes.length === b.length && matches(p, b));
  }
}

function matches(p: Prefix, b: Uint8Array): boolean {
  let bits = p.length;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((p.bytes[i]! & mask) !== (b[i]! & mask)) return false;
  }
  return true;
}
