import { col, num, str, strings, unset, type ZeekColumn, type ZeekColumnContext, type ZeekLogDeclaration } from '../../api/zeek-log.js';

// ssl.log: Zeek 6's fields from the tls object of a record (or dtls: Zeek logs DTLS there too),
// then the ja3/ja4 packages' and sonde's.


/** Zeek's SSL::version_strings: TLSv12, DTLSv10…, unknown-N for the rest */
function tlsVersion(v: string | null): string | null {
  if (v === null) return null;
  const m = /^(D?TLS)v1(?:\.(\d))?$/.exec(v);
  return m ? `${m[1]}v1${m[2] ?? '0'}` : unknownNumber(v);
}

/** sonde writes versions and suites it has no name for in hex; Zeek says unknown-N */
function unknownNumber(v: string | null): string | null {
  const hex = v === null ? null : /^0x([0-9a-f]{1,4})$/i.exec(v);
  return hex ? `unknown-${parseInt(hex[1]!, 16)}` : v;
}

/** RFC 4514 escaping, as Zeek prints distinguished names */
function dnValue(v: string): string {
  return v.replace(/[,+"\\<>;=]/g, (ch) => `\\${ch}`).replace(/^[ #]/, (ch) => `\\${ch}`).replace(/ $/, '\\ ');
}

/** Zeek's subject/issuer are whole distinguished names; sonde has only the common name. */
const commonName = (v: string | null): string | null => (v === null ? null : `CN=${dnValue(v)}`);

/** Unset without an SNI (as Zeek) or without a certificate to compare it with. */
function sniMatchesCert(c: ZeekColumnContext): boolean | null {
  if (str(c.p, 'sni') === null) return null;
  if (str(c.p, 'subject') === null && strings(c.p, 'server_names') === null) return null;
  return !(strings(c.r, 'risks') ?? []).includes('certificate_mismatch');
}

const SSL_COLUMNS: readonly ZeekColumn[] = [
  col('version', 'string', (c) => tlsVersion(str(c.p, 'version'))),
  col('cipher', 'string', (c) => unknownNumber(str(c.p, 'cipher'))),
  col('curve', 'string', unset),
  col('server_name', 'string', (c) => str(c.p, 'sni')),
  col('resumed', 'bool', unset),
  col('last_alert', 'string', unset),
  col('next_protocol', 'string', (c) => str(c.p, 'alpn_server')),
  col('established', 'bool', unset),
  col('ssl_history', 'string', unset),
  col('cert_chain_fps', 'vector[string]', unset),
  col('client_cert_chain_fps', 'vector[string]', unset),
  col('sni_matches_cert', 'bool', sniMatchesCert),
  // Zeek's own SSL::Info names (logged by default before Zeek 5), then the ja3 and ja4 packages'
  col('subject', 'string', (c) => commonName(str(c.p, 'subject'))),
  col('issuer', 'string', (c) => commonName(str(c.p, 'issuer'))),
  col('ja3', 'string', (c) => str(c.r, 'ja3')),
  col('ja3s', 'string', (c) => str(c.r, 'ja3s') ?? str(c.p, 'ja3s')),
  col('ja4', 'string', (c) => str(c.r, 'ja4')),
  col('sonde_client_alpn', 'vector[string]', (c) => strings(c.r, 'alpn')),
  col('sonde_san_dns', 'vector[string]', (c) => strings(c.p, 'server_names')),
  col('sonde_cert_not_before', 'time', (c) => num(c.p, 'not_before')),
  col('sonde_cert_not_after', 'time', (c) => num(c.p, 'not_after')),
];

export const TLS_ZEEK_LOG: ZeekLogDeclaration = { log: 'ssl', objects: ['tls', 'dtls'], columns: SSL_COLUMNS };
