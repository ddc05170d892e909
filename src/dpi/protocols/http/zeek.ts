import { col, num, str, strings, unset, type ZeekColumn, type ZeekLogDeclaration } from '../../api/zeek-log.js';

// http.log: Zeek 6's fields from the http object of a record (its first request), then sonde's.


/** resp_mime_types holds media types; sonde has the Content-Type header, parameters and all */
function mimeType(contentType: string | null): string[] | null {
  const t = contentType?.split(';')[0]!.trim().toLowerCase();
  return t ? [t] : null;
}

const HTTP_COLUMNS: readonly ZeekColumn[] = [
  col('trans_depth', 'count', () => 1), // sonde keeps the first request of the connection
  col('method', 'string', (c) => str(c.p, 'method')),
  col('host', 'string', (c) => str(c.p, 'host')),
  // Zeek's uri of a CONNECT is its authority (host:port); sonde never keeps query strings
  col('uri', 'string', (c) => (str(c.p, 'method') === 'CONNECT' ? (str(c.p, 'target') ?? str(c.p, 'path')) : str(c.p, 'path'))),
  col('referrer', 'string', unset),
  col('version', 'string', unset),
  col('user_agent', 'string', (c) => str(c.p, 'user_agent')),
  col('origin', 'string', unset),
  col('request_body_len', 'count', unset),
  col('response_body_len', 'count', unset),
  col('status_code', 'count', (c) => num(c.p, 'status')),
  col('status_msg', 'string', unset),
  col('info_code', 'count', unset),
  col('info_msg', 'string', unset),
  // the one tag a Zeek script sets from the request line (policy/protocols/http/detect-sqli)
  col('tags', 'set[enum]', (c) => ((strings(c.r, 'risks') ?? []).includes('url_possible_sql_injection') ? ['HTTP::URI_SQLI'] : [])),
  col('username', 'string', unset),
  col('password', 'string', unset),
  col('proxied', 'set[string]', unset),
  col('orig_fuids', 'vector[string]', unset),
  col('orig_filenames', 'vector[string]', unset),
  col('orig_mime_types', 'vector[string]', unset),
  col('resp_fuids', 'vector[string]', unset),
  col('resp_filenames', 'vector[string]', unset),
  col('resp_mime_types', 'vector[string]', (c) => mimeType(str(c.p, 'content_type'))),
  col('sonde_server', 'string', (c) => str(c.p, 'server')),
];

export const HTTP_ZEEK_LOG: ZeekLogDeclaration = { log: 'http', objects: ['http'], columns: HTTP_COLUMNS };
