// Text forms of addresses, built only when a flow record is written (never per packet).

export function formatIpv4(w: number): string {
  return `${w >>> 24}.${(w >>> 16) & 0xff}.${(w >>> 8) & 0xff}.${w & 0xff}`;
}

/** RFC 5952 text: lower case, longest run of two or more zero groups as "::", IPv4-mapped kept dotted. */
export function formatIpv6(w0: number, w1: number, w2: number, w3: number): string {
  const groups = [w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff];
  if (w0 === 0 && w1 === 0 && w2 === 0xffff) return `::ffff:${formatIpv4(w3)}`;
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hexOf = (from: number, to: number): string => groups.slice(from, to).map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hexOf(0, 8);
  return `${hexOf(0, bestStart)}::${hexOf(bestStart + bestLen, 8)}`;
}

export function formatAddress(version: number, words: Uint32Array, offset: number): string {
  if (version === 4) return formatIpv4(words[offset]!);
  return formatIpv6(words[offset]!, words[offset + 1]!, words[offset + 2]!, words[offset + 3]!);
}

/** an IPv4 address's text as a number, or null when it is not one (four decimal bytes) */
export function parseIpv4(text: string): number | null {
  const p = text.split('.');
  if (p.length !== 4) return null;
  let v = 0;
  for (const part of p) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    v = v * 256 + Number(part);
  }
  return v;
}

/** an IPv6 address's text (RFC 4291 §2.2: '::', a dotted IPv4 tail) as 16 bytes, or null when it is not one */
export function parseIpv6(text: string): Uint8Array | null {
  let s = text.toLowerCase();
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  let tail: number[] = [];
  const dotted = /(?:^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const v4 = parseIpv4(dotted[1]!);
    if (v4 === null) return null;
    tail = [Math.floor(v4 / 65536), v4 % 65536];
    s = s.slice(0, s.length - dotted[1]!.length);
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (part: string): number[] | null => {
    if (part === '') return [];
    const gs = part.split(':');
    return gs.every((g) => /^[0-9a-f]{1,4}$/.test(g)) ? gs.map((g) => parseInt(g, 16)) : null;
  };
  const front = groupsOf(halves[0]!);
  const back = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (front === null || back === null) return null;
  const known = front.length + back.length + tail.length;
  if (halves.length === 2 ? known > 7 : known !== 8) return null;
  const groups = [...front, ...new Array<number>(8 - known).fill(0), ...back, ...tail];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i]! >>> 8;
    out[2 * i + 1] = groups[i]! & 0xff;
  }
  return out;
}
