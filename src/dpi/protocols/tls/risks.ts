import { type RiskSpec } from '../../api/dissector.js';

// The risks only TLS raises (DTLS raises them too, through analysis.ts).

export const TLS_RISKS: readonly RiskSpec[] = [
  { name: 'obsolete_tls_version', severity: 'medium', description: 'TLS 1.1 or older, or SSL', ndpi: 'Obsolete TLS (v1.1 or older)' },
  { name: 'weak_tls_cipher', severity: 'high', description: 'a weak or insecure cipher suite was chosen', ndpi: 'Weak TLS Cipher' },
  { name: 'self_signed_certificate', severity: 'medium', description: 'the server certificate is self-signed', ndpi: 'Self-signed Cert' },
  { name: 'expired_certificate', severity: 'high', description: 'the server certificate is outside its validity period', ndpi: 'TLS Cert Expired' },
  { name: 'certificate_mismatch', severity: 'high', description: 'the SNI does not match the certificate names', ndpi: 'TLS Cert Mismatch' },
  { name: 'tls_not_carrying_https', severity: 'low', description: 'TLS whose ALPN is not HTTP', ndpi: 'TLS (probably) Not Carrying HTTPS' },
  { name: 'tls_uncommon_alpn', severity: 'low', description: 'an ALPN value seldom seen', ndpi: 'Uncommon TLS ALPN' },
];
