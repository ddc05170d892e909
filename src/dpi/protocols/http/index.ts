import { defineDissector, type InspectContext, Transport, Verdict } from '../../api/dissector.js';
import { binaryContentType, binaryPath, mediaType, suspiciousUserAgent, urlRisks } from './checks.js';
import { header, hostOnly, isNumericHost, MAX_HEAD, type MessageHead, parseHead, splitTarget } from './parser.js';
import { HTTP_RISKS } from './risks.js';
import { HTTP_ZEEK_LOG } from './zeek.js';
import { startsWithAscii } from '../../helpers/text.js';

// HTTP/1.x (RFC 9110, RFC 9112): the first request and the first final response of a connection.
// A request line names the flow HTTP; an absolute-form target (a request to a proxy, RFC 9112
// §3.2.2) names it HTTP_Proxy and CONNECT (authority-form, §3.2.3) HTTP_Connect, as nDPI does.
// The HTTP/2 connection preface "PRI * HTTP/2.0" (RFC 9113 §3.4) names HTTP2. The Host header
// is the flow's host name, so the application follows from the host-name database; a few
// services are recognised from HTTP itself (methods, media types, user agents — see SERVICES).
// Only head fields are kept: no bodies, no cookies, no query strings.

interface State {
  /** the message head of this direction has been read (or the direction is not HTTP) */
  done: [boolean, boolean];
  /** where the message being read starts, relative to the stream start (skips 1xx responses) */
  msgStart: [number, number];
  named: boolean;
  /** waited one packet for the first bytes of the response body */
  bodyWaited: boolean;
  /** the first request is a CONNECT: a 2xx answer turns the connection into the tunnel */
  connect: boolean;
}

/** Services HTTP itself reveals, by what reveals them (documented standards). */
const WEBDAV_METHODS = new Set(['PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH']); // RFC 4918, RFC 5323
const SERVICE_BY_MEDIA_TYPE: Record<string, string> = {
  'application/ipp': 'IPP', // RFC 8010 §3
  'application/ocsp-request': 'OCSP', // RFC 6960 appendix A
  'application/ocsp-response': 'OCSP',
  'application/soap+xml': 'SOAP', // RFC 3902
  'application/json-rpc': 'JSON-RPC',
  'application/dash+xml': 'MpegDash', // ISO/IEC 23009-1 annex C
  'application/vnd.apple.mpegurl': 'HLS', // RFC 8216 §4 (playlists)
  'application/x-mpegurl': 'HLS', // the name players and servers used before the registration
  'audio/mpegurl': 'HLS', // RFC 8216 §4
};
/** [MS-RPCH] §2.1.2.1: RPC over HTTP's two channels are HTTP requests with these methods */
const RPC_OVER_HTTP_METHODS = new Set(['RPC_IN_DATA', 'RPC_OUT_DATA']);
/**
 * Icecast's and SHOUTcast's stream responses: the server names itself ("Server: Icecast 2.4.4") or
 * describes the stream in icy-* headers (icy-name, icy-br, icy-metaint: the metadata interval).
 */
function isIcecastResponse(head: MessageHead): boolean {
  if (header(head, 'server')?.toLowerCase().startsWith('icecast')) return true;
  return header(head, 'icy-metaint') !== undefined || header(head, 'icy-name') !== undefined || header(head, 'icy-br') !== undefined;
}
const SERVICE_BY_USER_AGENT: [string, string][] = [
  ['windows-update-agent', 'WindowsUpdate'],
  ['microsoft-delivery-optimization', 'WindowsUpdate'],
];

function serviceOf(head: MessageHead): string | null {
  const s = head.start;
  if (s.kind === 'request') {
    if (WEBDAV_METHODS.has(s.method)) return 'WebDAV';
    if (RPC_OVER_HTTP_METHODS.has(s.method)) return 'MS-RPCH';
    if (header(head, 'soapaction') !== undefined) return 'SOAP'; // SOAP 1.1 §6.1.1
    const ua = header(head, 'user-agent')?.toLowerCase();
    if (ua) for (const [prefix, name] of SERVICE_BY_USER_AGENT) if (ua.startsWith(prefix)) return name;
    // (an HLS playlist is named by its media type in the response, not by its ".m3u8" path: the
    // request alone does not say the server answered with one)
    if (splitTarget(s.target).path.toLowerCase().endsWith('.mpd')) return 'MpegDash';
  } else if (isIcecastResponse(head)) {
    return 'IceCast';
  }
  const ct = header(head, 'content-type');
  if (ct !== undefined) {
    const name = SERVICE_BY_MEDIA_TYPE[mediaType(ct)];
    if (name) return name;
  }
  return null;
}

function onRequest(head: MessageHead, ctx: InspectContext, first: boolean): boolean {
  const s = head.start;
  if (s.kind !== 'request') return false;
  if (first) {
    if (s.method === 'PRI' && s.target === '*' && s.version === '2.0') {
      ctx.setProtocol(ctx.protocolId('HTTP2'));
      return true;
    }
    const t = splitTarget(s.target);
    const connect = s.method === 'CONNECT';
    ctx.setProtocol(ctx.protocolId(connect ? 'HTTP_Connect' : t.authority !== undefined ? 'HTTP_Proxy' : 'HTTP'));
    ctx.setField('method', s.method);
    if (s.version === null) ctx.addRisk('malformed_packet', 'damaged HTTP version in the request line');
    if (connect) ctx.setField('target', s.target);
    else if (s.target !== '*') ctx.setField('path', t.path);
    const u = urlRisks(s.target);
    if (u.sqli) ctx.addRisk('url_possible_sql_injection');
    if (u.xss) ctx.addRisk('url_possible_xss');
    if (u.rce) ctx.addRisk('url_possible_rce');
    const ext = connect ? null : binaryPath(t.path);
    if (ext) ctx.addRisk('binary_data_transfer', `request for a ${ext} file`);
  }
  // header fields: re-read as more of the head arrives (setting a field twice is harmless)
  const t = splitTarget(s.target);
  const hostHeader = header(head, 'host');
  const host = hostHeader !== undefined && hostHeader !== '' ? hostOnly(hostHeader) : t.authority !== undefined ? hostOnly(t.authority) : s.method === 'CONNECT' ? hostOnly(s.target) : '';
  if (host !== '') {
    ctx.setField('host', host);
    ctx.setHostname(host);
    if (isNumericHost(host)) ctx.addRisk('http_numeric_ip_host', host);
  }
  const ua = header(head, 'user-agent');
  if (ua !== undefined) ctx.setField('user_agent', ua);
  for (const name of ['authorization', 'proxy-authorization']) {
    const v = header(head, name);
    if (v !== undefined && /^basic\s/i.test(v)) ctx.addRisk('clear_text_credentials', `${name}: Basic`);
  }
  if (head.complete) {
    const why = suspiciousUserAgent(ua);
    if (why) ctx.addRisk('http_suspicious_user_agent', why);
    const ct = header(head, 'content-type');
    if (ct !== undefined && mediaType(ct) === 'application/octet-stream') ctx.addRisk('binary_data_transfer', 'request body of type application/octet-stream');
    const service = serviceOf(head);
    if (service) ctx.setApplication(ctx.protocolId(service));
  }
  return false;
}

/**
 * Does the response body start like an executable? PE (Microsoft PE/COFF: "MZ" DOS header whose
 * e_lfanew points at "PE\0\0") or ELF ("\x7fELF"). Only the first bytes are looked at.
 */
export function executableBody(data: Uint8Array, from: number, to: number): boolean {
  if (to - from >= 4 && data[from] === 0x7f && data[from + 1] === 0x45 && data[from + 2] === 0x4c && data[from + 3] === 0x46) return true;
  if (to - from < 0x40 || data[from] !== 0x4d || data[from + 1] !== 0x5a) return false;
  const lfanew = data[from + 0x3c]! | (data[from + 0x3d]! << 8) | (data[from + 0x3e]! << 16) | (data[from + 0x3f]! << 24);
  if (lfanew < 0x40 || lfanew > 4096) return false;
  const pe = from + lfanew;
  if (pe + 4 > to) return true; // the header says DOS executable; its PE header is further on
  return data[pe] === 0x50 && data[pe + 1] === 0x45 && data[pe + 2] === 0 && data[pe + 3] === 0;
}

function onResponse(head: MessageHead, ctx: InspectContext, first: boolean): void {
  const s = head.start;
  if (s.kind !== 'response') return;
  if (first) ctx.setProtocol(ctx.protocolId('HTTP'));
  ctx.setField('status', s.status);
  const ct = header(head, 'content-type');
  if (ct !== undefined) ctx.setField('content_type', ct);
  const server = header(head, 'server');
  if (server !== undefined) ctx.setField('server', server);
  if (!head.complete) return;
  if (s.status >= 400) ctx.addRisk('error_code', `HTTP ${s.status}`);
  if (ct !== undefined && binaryContentType(ct)) ctx.addRisk('binary_application_transfer', `response of type ${mediaType(ct)}`);
  else if (ct !== undefined && mediaType(ct) === 'application/octet-stream') ctx.addRisk('binary_data_transfer', 'response of type application/octet-stream');
  const service = serviceOf(head);
  if (service) ctx.setApplication(ctx.protocolId(service));
}

const METHOD_FIRST_BYTES = Array.from({ length: 26 }, (_, i) => 0x41 + i); // 'A'…'Z' (and "HTTP/")

export default defineDissector<State>({
  name: 'http',
  protocols: [
    { name: 'HTTP', category: 'Web', kind: 'protocol', tcpPorts: [80], description: 'Hypertext Transfer Protocol (HTTP/1.x)' },
    { name: 'HTTP_Proxy', category: 'Web', kind: 'protocol', tcpPorts: [8080, 3128], description: 'HTTP requests to a proxy (absolute-form request targets)' },
    { name: 'HTTP_Connect', category: 'Web', kind: 'protocol', description: 'HTTP CONNECT tunnel through a proxy' },
    { name: 'HTTP2', category: 'Web', kind: 'protocol', description: 'HTTP/2 over cleartext TCP (connection preface)' },
    { name: 'WebDAV', category: 'Collaborative', kind: 'application', description: 'WebDAV (RFC 4918) methods over HTTP' },
    { name: 'IPP', category: 'System', kind: 'application', tcpPorts: [631], description: 'Internet Printing Protocol over HTTP' },
    { name: 'OCSP', category: 'Network', kind: 'application', description: 'Online Certificate Status Protocol over HTTP' },
    { name: 'SOAP', category: 'RPC', kind: 'application', description: 'SOAP messages over HTTP' },
    { name: 'JSON-RPC', category: 'RPC', kind: 'application', description: 'JSON-RPC over HTTP' },
    { name: 'MpegDash', category: 'Media', kind: 'application', description: 'MPEG-DASH adaptive streaming over HTTP' },
    { name: 'HLS', category: 'Media', kind: 'application', description: 'HTTP Live Streaming (RFC 8216): playlists and their media segments' },
    { name: 'IceCast', category: 'Music', kind: 'application', tcpPorts: [8000], description: 'Icecast / SHOUTcast audio streams over HTTP' },
    { name: 'MS-RPCH', category: 'RPC', kind: 'application', description: 'Remote procedure calls over HTTP ([MS-RPCH]: RPC_IN_DATA / RPC_OUT_DATA channels)' },
    { name: 'WindowsUpdate', category: 'SoftwareUpdate', kind: 'application', description: 'Windows Update and Delivery Optimization' },
  ],
  transports: Transport.Tcp,
  firstBytes: METHOD_FIRST_BYTES,
  maxPackets: 10,
  risks: HTTP_RISKS,
  zeek: HTTP_ZEEK_LOG,
  fields: [
    { name: 'method', type: 'string', description: 'request method of the first request (GET, POST, CONNECT…)' },
    { name: 'host', type: 'string', description: 'Host header (or proxy target host), lower case, without port', privacy: 'host' },
    { name: 'path', type: 'string', description: 'request path, without query string or fragment', privacy: 'identifying' },
    { name: 'target', type: 'string', description: 'CONNECT: the host:port the tunnel is asked for', privacy: 'host' },
    { name: 'user_agent', type: 'string', description: 'User-Agent header of the first request', privacy: 'identifying' },
    { name: 'status', type: 'int', description: 'status code of the first final response' },
    { name: 'content_type', type: 'string', description: 'Content-Type header of the first final response' },
    { name: 'server', type: 'string', description: 'Server header of the first final response' },
  ],
  probe(data, off, len) {
    // a method token then a space, or "HTTP/" (a response seen first); see parser.looksLikeStart
    if (len <= 0) return false;
    const end = off + Math.min(len, 25);
    for (let i = off; i < end; i++) {
      const c = data[i]!;
      if (c === 0x20) return i > off;
      if (c === 0x2f) return i === off + 4 && data[off] === 0x48 && data[off + 1] === 0x54 && data[off + 2] === 0x54 && data[off + 3] === 0x50;
      if (!(c >= 0x41 && c <= 0x5a) && c !== 0x2d && c !== 0x5f) return false;
    }
    return len < 25;
  },
  createState() {
    return { done: [false, false], msgStart: [0, 0], named: false, bodyWaited: false, connect: false };
  },
  inspect(state, data, off, len, ctx) {
    const dir = ctx.dir;
    const other = dir === 0 ? 1 : 0;
    if (state.done[dir]) return state.done[other] ? Verdict.Done : Verdict.Continue;
    const start = off + state.msgStart[dir];
    const head = parseHead(data, start, off + len - start);
    if (head === undefined) return Verdict.Continue;
    if (head === null) {
      if (!state.named) return Verdict.NotMine;
      // SHOUTcast's own status line answering a stream request (its servers before HTTP/1.x)
      if (dir === 1 && startsWithAscii(data, start, off + len - start, 'ICY 200 ')) ctx.setApplication(ctx.protocolId('IceCast'));
      // e.g. the bytes of a tunnel after CONNECT, or a request body: nothing more to read here
      state.done[dir] = true;
      return state.done[other] ? Verdict.Done : Verdict.Continue;
    }
    const first = !state.named;
    state.named = true;
    if (head.start.kind === 'request') {
      if (onRequest(head, ctx, first)) return Verdict.Done; // HTTP/2: nothing more in HTTP/1 terms
      if (first && head.start.method === 'CONNECT') state.connect = true;
    } else {
      if (head.complete && head.start.status >= 100 && head.start.status < 200 && head.start.status !== 101) {
        // an interim response (100 Continue, 103 Early Hints): the final one follows
        state.msgStart[dir] = head.end - off;
        return Verdict.Continue;
      }
      onResponse(head, ctx, first);
      if (head.complete && state.connect && head.start.status >= 200 && head.start.status < 300) {
        // RFC 9110 §9.3.6: a 2xx answer to CONNECT has no content, and the connection is the
        // tunnel from there on; the TLS dissector reads on (server name, JA4), the flow stays
        // HTTP_Connect, as nDPI names it
        ctx.startDissector('tls');
        return Verdict.Done;
      }
      if (head.complete) {
        // the first bytes of the body tell an executable whatever its declared type
        const body = off + len - head.end;
        const expectBody = head.start.status === 200 && header(head, 'content-length') !== '0';
        if (body < 0x40 && expectBody && !state.bodyWaited && len < MAX_HEAD) {
          state.bodyWaited = true;
          return Verdict.Continue;
        }
        if (executableBody(data, head.end, off + len)) ctx.addRisk('binary_application_transfer', 'executable in the response body');
      }
    }
    if (!head.complete && len < MAX_HEAD && !ctx.gap) return Verdict.Continue;
    state.done[dir] = true;
    return state.done[other] ? Verdict.Done : Verdict.Continue;
  },
});
