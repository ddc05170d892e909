import { type DpiFieldSpec, type InspectContext } from '../../api/dissector.js';
import { cipherName, isWeakCipher } from './ciphers.js';
import { type ClientHello, EXT_ECH, isGrease, ja3, ja4, ja4Version } from './client-hello.js';
import { isObsoleteVersion, ja3s, type ServerHello, versionName } from './records.js';
import { type CertificateInfo, nameMatches, parseCertificate } from './x509.js';

// What the TLS and DTLS dissectors make of the handshake messages they reassemble: fingerprints,
// names, fields and risks. Shared so both write the same fields the same way.
//
// Risk rules (documented here, tested in tls.test.ts):
// - obsolete_tls_version: the version the server chose (or, without a ServerHello, the highest the
//   client offered) is older than TLS 1.2 / DTLS 1.2.
// - weak_tls_cipher: the server chose a NULL, EXPORT, RC4, RC2, DES/3DES, IDEA, anonymous or MD5
//   suite (see ciphers.ts).
// - missing_sni / tls_not_carrying_https: only for clients offering TLS 1.2 or newer (older
//   clients predate both extensions being common): no server_name extension; no ALPN at all.
// - tls_uncommon_alpn: the client offered an ALPN id outside the IANA-registered set of common ones.
// - self_signed_certificate: the first certificate's subject equals its issuer (byte-equal Names).
// - expired_certificate: the packet time is outside [notBefore, notAfter] of the first certificate.
// - certificate_mismatch: the SNI (a name, not an address) matches none of the certificate's SAN
//   DNS names (or its subject CN when it has none); '*' matches exactly one left-most label.

export const TLS_FIELDS: readonly DpiFieldSpec[] = [
  { name: 'version', type: 'string', description: 'negotiated version (TLSv1.3, TLSv1.2, …; DTLSv1.2 …)' },
  { name: 'cipher', type: 'string', description: 'cipher suite chosen by the server (IANA name, or hex)' },
  { name: 'sni', type: 'string', description: 'server_name the client asked for' },
  { name: 'alpn_server', type: 'string', description: "the server's chosen ALPN protocol" },
  { name: 'ech', type: 'bool', description: 'true when the ClientHello carries Encrypted Client Hello (the SNI seen is then the outer, public name)' },
  { name: 'server_names', type: 'string[]', description: "the server certificate's subjectAltName DNS names" },
  { name: 'subject', type: 'string', description: "the server certificate's subject common name" },
  { name: 'issuer', type: 'string', description: "the server certificate's issuer common name" },
  { name: 'not_before', type: 'timestamp', description: 'server certificate validity start, seconds since the epoch' },
  { name: 'not_after', type: 'timestamp', description: 'server certificate validity end, seconds since the epoch' },
  { name: 'ja3s', type: 'string', description: 'JA3S fingerprint of the ServerHello' },
];

/** ALPN ids commonly offered (IANA registry); anything else raises tls_uncommon_alpn */
const COMMON_ALPN = new Set([
  'http/0.9', 'http/1.0', 'http/1.1', 'spdy/1', 'spdy/2', 'spdy/3', 'spdy/3.1', 'h2', 'h2c', 'h2-16', 'h2-14', 'h3', 'h3-29', 'h3-32',
  'hq-interop', 'hq-29', 'stun.turn', 'stun.nat-discovery', 'webrtc', 'c-webrtc', 'ftp', 'imap', 'pop3', 'managesieve', 'coap',
  'xmpp-client', 'xmpp-server', 'acme-tls/1', 'mqtt', 'dot', 'ntske/1', 'sunrpc', 'irc', 'smb', 'postgresql', 'doq',
]);
const HTTP_ALPN = /^(http\/|h2|h3|spdy\/|hq)/;

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
export const isAddressLiteral = (s: string): boolean => IPV4.test(s) || (s.includes(':') && /^[0-9a-fA-F:.[\]]+$/.test(s));

/**
 * The JA4 flavour sonde reports: FoxIO's algorithm, with the two conventions nDPI uses so the
 * values compare with it (see client-hello.ts `Ja4Style`).
 */
export const JA4_STYLE = 'foxio' as const;

export interface HandshakeFacts {
  clientHello: ClientHello | null;
  serverHello: ServerHello | null;
  certificate: CertificateInfo | null;
  /** the client offered TLS 1.2+ */
  modernClient: boolean;
}

export function newFacts(): HandshakeFacts {
  return { clientHello: null, serverHello: null, certificate: null, modernClient: false };
}

/** highest version the client offers, for DTLS mapped to the TLS scale (0xfefd → 0x0303) */
function offeredTlsVersion(ch: ClientHello): number {
  const v = ja4Version(ch);
  if ((v & 0xff00) === 0xfe00) return v === 0xfeff ? 0x0302 : v === 0xfefd ? 0x0303 : 0x0304;
  return v;
}

export function onClientHello(f: HandshakeFacts, ch: ClientHello, ctx: InspectContext, transport: 't' | 'd'): void {
  if (f.clientHello) return; // a second ClientHello (after HelloRetryRequest) keeps the first's fingerprints
  f.clientHello = ch;
  f.modernClient = offeredTlsVersion(ch) >= 0x0303;
  ctx.setFingerprint('ja4', ja4(ch, transport, JA4_STYLE));
  ctx.setFingerprint('ja3', ja3(ch));
  if (ch.sni !== null && ch.sni.length > 0) {
    ctx.setHostname(ch.sni);
    ctx.setField('sni', ch.sni);
    if (isAddressLiteral(ch.sni)) ctx.addRisk('http_numeric_ip_host', ch.sni);
  } else if (f.modernClient) {
    ctx.addRisk('missing_sni');
  }
  if (ch.extensions.includes(EXT_ECH)) ctx.setField('ech', true);
  const alpn = ch.alpn.filter((a) => !isGrease(a.length === 2 ? (a.charCodeAt(0) << 8) | a.charCodeAt(1) : 0));
  if (ch.alpn.length > 0) ctx.setAlpn(ch.alpn);
  if (ch.alpn.length === 0 && torLabel(ch.sni, 'com')) ctx.setApplication(ctx.protocolId('Tor'));
  if (f.modernClient && alpn.length === 0) ctx.addRisk('tls_not_carrying_https', 'no ALPN');
  const uncommon = alpn.find((a) => !COMMON_ALPN.has(a));
  if (uncommon !== undefined) ctx.addRisk('tls_uncommon_alpn', printable(uncommon));
  else if (alpn.length > 0 && !alpn.some((a) => HTTP_ALPN.test(a))) ctx.addRisk('tls_not_carrying_https', alpn.join(','));
}

const printable = (s: string): string => s.replace(/[^\x20-\x7e]/g, '?');

export function onServerHello(f: HandshakeFacts, sh: ServerHello, ctx: InspectContext): void {
  if (sh.retry) return;
  f.serverHello = sh;
  ctx.setField('version', versionName(sh.version));
  ctx.setField('cipher', cipherName(sh.cipher));
  ctx.setFingerprint('ja3s', ja3s(sh));
  ctx.setField('ja3s', ja3s(sh));
  if (sh.alpn !== null) ctx.setField('alpn_server', printable(sh.alpn));
  if (isObsoleteVersion(sh.version)) ctx.addRisk('obsolete_tls_version', versionName(sh.version));
  if (isWeakCipher(sh.cipher)) ctx.addRisk('weak_tls_cipher', cipherName(sh.cipher));
}

/**
 * Tor's link TLS (Tor proposal 179, tor-spec "Connections"): relays make up their certificates'
 * names and clients the server name they send, "www." + a random base32 label (letters and
 * digits 2–7) + ".com" (issuer, SNI) or ".net" (subject). A random label carries digits;
 * real sites with such names rarely do, and Tor's ClientHello offers no ALPN, which browsers do.
 */
const TOR_NAME = /^www\.([a-z2-7]{4,25})\.(com|net)$/;
function torLabel(name: string | null, tld: 'com' | 'net'): boolean {
  const m = name === null ? null : TOR_NAME.exec(name);
  return m !== null && m[2] === tld && /[2-7]/.test(m[1]!) && /[a-z]/.test(m[1]!);
}

/** subject (and issuer) CN of AnyDesk's self-signed TLS certificates */
const ANYDESK_CN = 'AnyDesk Client';

/**
 * A Certificate message body (TLS ≤ 1.2 layout: 24-bit list length, then 24-bit length + DER per
 * certificate), possibly only its beginning: the first certificate is read once it is whole.
 * Returns false when more bytes are needed.
 */
export function onCertificateBody(f: HandshakeFacts, body: Uint8Array, ctx: InspectContext): boolean {
  if (f.certificate) return true;
  if (body.length < 6) return false;
  const first = (body[3]! << 16) | (body[4]! << 8) | body[5]!;
  if (6 + first > body.length) return false;
  const cert = parseCertificate(body, 6, first);
  if (!cert) return true; // unreadable: stop trying
  f.certificate = cert;
  if (cert.subjectCn !== null) ctx.setField('subject', printable(cert.subjectCn));
  if (cert.issuerCn !== null) ctx.setField('issuer', printable(cert.issuerCn));
  if (cert.dnsNames.length > 0) ctx.setField('server_names', cert.dnsNames.map(printable));
  ctx.setCertificateNames(cert.dnsNames.length > 0 ? cert.dnsNames : cert.subjectCn !== null ? [cert.subjectCn] : []);
  if (cert.notBefore !== null) ctx.setField('not_before', cert.notBefore);
  if (cert.notAfter !== null) ctx.setField('not_after', cert.notAfter);
  if (cert.selfIssued) ctx.addRisk('self_signed_certificate', cert.subjectCn ?? undefined);
  // AnyDesk's peers and relays present a self-signed certificate named 'AnyDesk Client'
  if (cert.subjectCn === ANYDESK_CN || cert.issuerCn === ANYDESK_CN) ctx.setApplication(ctx.protocolId('AnyDesk'));
  // a Tor relay's link certificate: made-up names for subject (.net) and issuer (.com)
  if (torLabel(cert.subjectCn, 'net') && torLabel(cert.issuerCn, 'com')) ctx.setApplication(ctx.protocolId('Tor'));
  const now = ctx.tsMicros / 1e6;
  if ((cert.notAfter !== null && now > cert.notAfter) || (cert.notBefore !== null && now < cert.notBefore)) {
    ctx.addRisk('expired_certificate', cert.notAfter !== null ? new Date(cert.notAfter * 1000).toISOString() : undefined);
  }
  const sni = f.clientHello?.sni;
  if (sni && !isAddressLiteral(sni)) {
    const names = cert.dnsNames.length > 0 ? cert.dnsNames : cert.subjectCn !== null ? [cert.subjectCn] : [];
    if (names.length > 0 && !names.some((n) => nameMatches(n, sni))) ctx.addRisk('certificate_mismatch', `${sni} not in certificate`);
  }
  return true;
}
