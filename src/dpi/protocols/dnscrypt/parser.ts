// DNSCrypt version 2 (https://dnscrypt.info/protocol, "DNSCrypt version 2 protocol specification"):
//  - a client first fetches the resolver certificate with an ordinary DNS TXT query for
//    "<version>.dnscrypt-cert.<provider zone>" (e.g. "2.dnscrypt-cert.example.com"); the answer's
//    TXT record holds the certificate, which starts with the magic "DNSC";
//  - encrypted queries are <client-magic (8)> <client public key (32)> <client nonce (12)>
//    <encrypted, padded query>; the client magic comes from the certificate, so it is not fixed;
//  - encrypted responses are <resolver-magic "r6fnvWj8" (8)> <nonce (24)> <encrypted response>,
//    where the first 12 bytes of the nonce repeat the client's nonce.
// Over TCP every packet is prefixed by its length in two bytes, big-endian.

export const RESOLVER_MAGIC = Uint8Array.of(0x72, 0x36, 0x66, 0x6e, 0x76, 0x57, 0x6a, 0x38); // "r6fnvWj8"
const CERT_MAGIC = Uint8Array.of(0x44, 0x4e, 0x53, 0x43); // "DNSC"
const CERT_LABEL = 'dnscrypt-cert';
/** client magic + public key + nonce + authentication tag: the smallest encrypted query */
export const MIN_QUERY = 8 + 32 + 12 + 16;
export const NONCE_AT = 40;
/** resolver magic + nonce + tag */
export const MIN_RESPONSE = 8 + 24 + 16;

export function startsWithMagic(data: Uint8Array, off: number, len: number): boolean {
  if (len < RESOLVER_MAGIC.length) return false;
  for (let i = 0; i < RESOLVER_MAGIC.length; i++) if (data[off + i] !== RESOLVER_MAGIC[i]) return false;
  return true;
}

export interface CertQuery {
  /** the provider zone after "<version>.dnscrypt-cert." */
  provider: string;
  response: boolean;
}

/**
 * A DNS message whose first question is "<digit>.dnscrypt-cert.<zone>" (the certificate query or
 * its answer); null otherwise. A response must also carry the "DNSC" certificate magic.
 */
export function readCertQuery(data: Uint8Array, off: number, len: number): CertQuery | null {
  if (len < 12 + 17) return null;
  const flags = (data[off + 2]! << 8) | data[off + 3]!;
  const opcode = (flags >> 11) & 0xf;
  if (opcode !== 0) return null;
  const qd = (data[off + 4]! << 8) | data[off + 5]!;
  if (qd < 1 || qd > 4) return null;
  let p = off + 12;
  const end = off + len;
  const labels: string[] = [];
  for (;;) {
    if (p >= end) return null;
    const l = data[p]!;
    if (l === 0) break;
    if (l > 63 || p + 1 + l > end || labels.length > 127) return null;
    let s = '';
    for (let i = 0; i < l; i++) {
      const c = data[p + 1 + i]!;
      if (c <= 0x20 || c >= 0x7f) return null;
      s += String.fromCharCode(c >= 0x41 && c <= 0x5a ? c + 32 : c);
    }
    labels.push(s);
    p += 1 + l;
  }
  if (labels.length < 3 || !/^\d$/.test(labels[0]!) || labels[1] !== CERT_LABEL) return null;
  const response = (flags & 0x8000) !== 0;
  if (response && !contains(data, p, end, CERT_MAGIC)) return null;
  return { provider: labels.slice(2).join('.'), response };
}

function contains(data: Uint8Array, from: number, end: number, needle: Uint8Array): boolean {
  outer: for (let i = from; i + needle.length <= end; i++) {
    for (let k = 0; k < needle.length; k++) if (data[i + k] !== needle[k]) continue outer;
    return true;
  }
  return false;
}
