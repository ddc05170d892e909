import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// The PROXY protocol (HAProxy, "The PROXY protocol, Versions 1 & 2", proxy-protocol.txt): a proxy
// that relays a connection prepends, before any byte of the relayed protocol, a header naming
// the original endpoints. §2.1 version 1: one US-ASCII line "PROXY" SP ("TCP4" | "TCP6" |
// "UNKNOWN") SP src SP dst SP sport SP dport CRLF, at most 107 bytes with the CRLF; for UNKNOWN
// anything may follow up to the CRLF. §2.2 version 2: a 12-byte signature, version/command
// (0x20 LOCAL, 0x21 PROXY), family/transport, a 2-byte length, the address block, then TLVs
// (§2.2.1–2.2.8). The addresses (end users' addresses) are never output; the authority TLV (the
// server name the client asked for, as TLS SNI) is given as the flow's host name.

const V1_MAX_LINE = 107;
const V2_SIGNATURE = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];
const V2_FIXED = 16;
/** beyond this a v2 header is judged on the part that arrived (§2.2: it fits in one MSS) */
const V2_WAIT_LIMIT = 4096;
const PREFIX_V1 = 'PROXY ';
const TLV_AUTHORITY = 0x02;

interface State {
  done: boolean;
}

export interface ProxyHeader {
  version: 1 | 2;
  transport: string;
  authority?: string;
}

function prefixMatches(d: Uint8Array, off: number, len: number, bytes: readonly number[]): boolean {
  const n = Math.min(len, bytes.length);
  for (let i = 0; i < n; i++) if (d[off + i] !== bytes[i]) return false;
  return true;
}

const V1_PREFIX_BYTES = Array.from(PREFIX_V1, (c) => c.charCodeAt(0));

/** a decimal in [0, max] without leading zeros (§2.1: they could be read as octal) */
function isDecimal(s: string, max: number): boolean {
  if (!/^(0|[1-9][0-9]{0,4})$/.test(s)) return false;
  return Number(s) <= max;
}

function isIpv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => isDecimal(p, 255));
}

/** hexadecimal groups with at most one "::", 128 bits in all; a dotted IPv4 tail (as inet_ntop writes v4-mapped addresses) counts 32 */
function isIpv6(s: string): boolean {
  if (s.length < 2 || s.length > 45) return false;
  const halves = s.split('::');
  if (halves.length > 2) return false;
  let bits = 0;
  for (let h = 0; h < halves.length; h++) {
    if (halves[h] === '') continue;
    const groups = halves[h]!.split(':');
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g]!;
      if (h === halves.length - 1 && g === groups.length - 1 && group.includes('.')) {
        if (!isIpv4(group)) return false;
        bits += 32;
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(group)) {
        bits += 16;
      } else {
        return false;
      }
    }
  }
  return halves.length === 2 ? bits <= 112 : bits === 128;
}

/** §2.1; undefined: the line is not complete yet */
export function parseV1(d: Uint8Array, off: number, len: number): ProxyHeader | null | undefined {
  if (!prefixMatches(d, off, len, V1_PREFIX_BYTES)) return null;
  const end = off + Math.min(len, V1_MAX_LINE);
  let cr = -1;
  for (let i = off; i < end; i++) {
    const c = d[i]!;
    if (c === 0x0d) {
      cr = i;
      break;
    }
    // a lone LF does not end the line (§2.1), and the line is US-ASCII text
    if (c < 0x20 || c > 0x7e) return null;
  }
  if (cr < 0) return len < V1_MAX_LINE ? undefined : null;
  if (cr - off + 2 > V1_MAX_LINE) return null;
  if (cr + 1 >= off + len) return undefined;
  if (d[cr + 1] !== 0x0a) return null;
  const line = String.fromCharCode(...d.subarray(off + PREFIX_V1.length, cr));
  const words = line.split(' ');
  const transport = words[0]!;
  if (transport === 'UNKNOWN') return { version: 1, transport };
  if (transport !== 'TCP4' && transport !== 'TCP6') return null;
  // exactly one space between the fields: an empty word means two
  if (words.length !== 5) return null;
  const isAddress = transport === 'TCP4' ? isIpv4 : isIpv6;
  if (!isAddress(words[1]!) || !isAddress(words[2]!)) return null;
  if (!isDecimal(words[3]!, 65535) || !isDecimal(words[4]!, 65535)) return null;
  return { version: 1, transport };
}

const V2_FAMILIES = ['UNSPEC', 'INET', 'INET6', 'UNIX'];
/** address block bytes per family (§2.2): none, 2×4+2×2, 2×16+2×2, 2×108 */
const V2_ADDRESS_BYTES = [0, 12, 36, 216];

function v2Transport(fam: number): string {
  const family = fam >> 4;
  const proto = fam & 0x0f;
  if (family === 0 || proto === 0) return 'UNSPEC';
  if (family === 3) return proto === 1 ? 'UNIX_STREAM' : 'UNIX_DGRAM';
  return (proto === 1 ? 'TCP' : 'UDP') + (family === 1 ? '4' : '6');
}

const isHostnameByte = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2e || c === 0x5f;

/** §2.2; undefined: the header is not complete yet */
export function parseV2(d: Uint8Array, off: number, len: number): ProxyHeader | null | undefined {
  if (!prefixMatches(d, off, len, V2_SIGNATURE)) return null;
  if (len < V2_FIXED) return undefined;
  const verCmd = d[off + 12]!;
  const fam = d[off + 13]!;
  const headerLength = (d[off + 14]! << 8) | d[off + 15]!;
  if (verCmd >> 4 !== 2) return null;
  const command = verCmd & 0x0f;
  if (command > 1) return null; // receivers drop unassigned commands
  // LOCAL (a health check of the proxy's own): the block is to be skipped whatever it holds
  if (command === 0) return { version: 2, transport: 'LOCAL' };
  const family = fam >> 4;
  const proto = fam & 0x0f;
  if (family >= V2_FAMILIES.length || proto > 2) return null;
  const addressBytes = V2_ADDRESS_BYTES[family]!;
  if (headerLength < addressBytes) return null;
  const need = V2_FIXED + headerLength;
  if (len < need && need <= V2_WAIT_LIMIT) return undefined;
  // the TLVs must fill the rest of the header exactly
  const end = off + Math.min(len, need);
  let p = off + V2_FIXED + addressBytes;
  let authority: string | undefined;
  while (p < end) {
    if (p + 3 > off + need) return null;
    if (p + 3 > end) break;
    const type = d[p]!;
    const valueLength = (d[p + 1]! << 8) | d[p + 2]!;
    const valueEnd = p + 3 + valueLength;
    if (valueEnd > off + need) return null;
    if (type === TLV_AUTHORITY && valueEnd <= end && valueLength > 0 && valueLength <= 253) {
      let ok = true;
      for (let i = p + 3; i < valueEnd; i++) if (!isHostnameByte(d[i]!)) ok = false;
      if (ok) authority = String.fromCharCode(...d.subarray(p + 3, valueEnd)).toLowerCase();
    }
    p = valueEnd;
  }
  const header: ProxyHeader = { version: 2, transport: v2Transport(fam) };
  if (authority !== undefined) header.authority = authority;
  return header;
}

export default defineDissector<State>({
  name: 'haproxy',
  protocols: [{ name: 'HAProxy', category: 'Web', kind: 'protocol', description: 'PROXY protocol header (HAProxy), versions 1 and 2, sent by a proxy before the relayed protocol' }],
  transports: Transport.Tcp,
  firstBytes: [0x50, 0x0d],
  // §2.1/§2.2 want the header sent at once; a stream split finer still fits this budget
  maxPackets: 20,
  fields: [
    { name: 'version', type: 'int', description: 'PROXY protocol version: 1 (text) or 2 (binary)' },
    { name: 'transport', type: 'string', description: 'what the proxy relayed: TCP4, TCP6, UNKNOWN (v1); TCP4, UDP4, TCP6, UDP6, UNIX_STREAM, UNIX_DGRAM, UNSPEC, or LOCAL for a v2 health check' },
  ],
  probe(d, off, len, ctx) {
    // the header comes from the side that opened the connection, before anything else
    if (ctx.dir !== 0) return false;
    return d[off] === 0x50 ? prefixMatches(d, off, len, V1_PREFIX_BYTES) : prefixMatches(d, off, len, V2_SIGNATURE);
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.dir !== 0) return Verdict.Continue;
    if (ctx.gap) return Verdict.NotMine;
    const header = d[off] === 0x50 ? parseV1(d, off, len) : parseV2(d, off, len);
    if (header === undefined) return Verdict.Continue;
    if (header === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('HAProxy'));
    ctx.setField('version', header.version);
    ctx.setField('transport', header.transport);
    if (header.authority !== undefined) ctx.setHostname(header.authority);
    return Verdict.Done;
  },
});
