// nDPI 4.x computes JA4 with three conventions of its own (seen in its outputs over the corpus,
// e.g. 't12d1409ht_…' for an ALPN list starting with "http/1.1"):
//   - the destination character is 'i' only for a numeric-address SNI, 'd' otherwise (also with
//     no SNI at all), where FoxIO's JA4.md says 'd' when the SNI extension is present, else 'i';
//   - the two ALPN characters are the first two characters of the comma-joined ALPN list ("h0"
//     when that list is just "h2"), where JA4.md takes the first and last character of the first value;
//   - an empty cipher or extension list hashes to sha256("")[0:12] = e3b0c44298fc, where JA4.md
//     writes twelve zeros.
// sonde reports JA4 per JA4.md. To measure agreement with nDPI, the conformance report turns
// sonde's value into nDPI's form with the record's own ALPN list and SNI.

const IP_LITERAL = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F]*:[0-9a-fA-F:.]*)$/;
const EMPTY_HASH = 'e3b0c44298fc';

export function ja4AsNdpi(ja4: string, alpn: readonly string[] | null, sni: string | null): string {
  const parts = ja4.split('_');
  if (parts.length !== 3 || parts[0]!.length !== 10) return ja4;
  let a = parts[0]!;
  const dest = sni !== null && IP_LITERAL.test(sni) ? 'i' : 'd';
  const joined = (alpn ?? []).join(',');
  const alpnChars = joined.length === 0 ? '00' : joined[0]! + (joined.length > 2 ? joined[1]! : '0');
  a = a.slice(0, 3) + dest + a.slice(4, 8) + alpnChars;
  const b = parts[1] === '000000000000' ? EMPTY_HASH : parts[1]!;
  const c = parts[2] === '000000000000' ? EMPTY_HASH : parts[2]!;
  return `${a}_${b}_${c}`;
}
