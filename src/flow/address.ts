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
