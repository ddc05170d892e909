import { RCODE_NAMES, TYPE_NAMES } from './parser.js';
import { col, num, str, strings, unset, type ZeekColumn, type ZeekColumnContext, type ZeekLogDeclaration, zeekProto } from '../../api/zeek-log.js';

// dns.log: Zeek 6's fields from the dns object of a record, in Zeek's order.


const TYPE_NUMBERS = new Map(Object.entries(TYPE_NAMES).map(([n, name]) => [name, Number(n)]));

/** Zeek's names for query types sonde leaves as TYPEnn (DNS::query_types) */
const ZEEK_ONLY_QTYPES: Record<number, string> = {
  3: 'MD', 4: 'MF', 7: 'MB', 8: 'MG', 9: 'MR', 11: 'WKS', 14: 'MINFO', 19: 'X25', 20: 'ISDN', 21: 'RT', 22: 'NSAP',
  23: 'NSAP-PTR', 26: 'PX', 27: 'GPOS', 30: 'EID', 31: 'NIMLOC', 32: 'NB', 34: 'ATMA', 38: 'A6', 40: 'SINK', 56: 'NINFO',
  57: 'RKEY', 58: 'TALINK', 100: 'UINFO', 101: 'UID', 102: 'GID', 103: 'UNSPEC', 104: 'NID', 105: 'L32', 106: 'L64',
  107: 'LP', 108: 'EUI48', 109: 'EUI64', 32768: 'TA', 32769: 'DLV', 65281: 'WINS', 65282: 'WINS-R', 65422: 'XPF', 65521: 'INTEGRITY',
};

function qtypeNumber(name: string | null): number | null {
  if (name === null) return null;
  const m = /^TYPE(\d+)$/.exec(name);
  return m ? Number(m[1]) : (TYPE_NUMBERS.get(name) ?? null);
}

function qtypeName(name: string | null): string | null {
  const n = qtypeNumber(name);
  if (n === null) return name;
  if (n === 255) return '*';
  return ZEEK_ONLY_QTYPES[n] ?? TYPE_NAMES[n] ?? `query-${n}`;
}

function rcodeNumber(name: string | null): number | null {
  if (name === null) return null;
  const m = /^RCODE(\d+)$/.exec(name);
  if (m) return Number(m[1]);
  const i = RCODE_NAMES.indexOf(name);
  return i >= 0 ? i : null;
}

/** Zeek's DNS::base_errors spelling */
function rcodeName(name: string | null): string | null {
  const n = rcodeNumber(name);
  if (n === null) return name;
  if (n === 8) return 'NXRRSet';
  if (n >= 11 && n <= 15) return `unassigned-${n}`;
  return n <= 10 ? RCODE_NAMES[n]! : `rcode-${n}`;
}

/**
 * Query to first response. Over UDP sonde's first packet each way are the first query and its
 * answer; over TCP the first packets are the handshake, so there is no rtt to give.
 */
function dnsRtt(c: ZeekColumnContext): number | null {
  if (zeekProto(c.r) !== 'udp' || str(c.p, 'rcode') === null) return null;
  const q = num(c.r, 'first_seen_c2s');
  const a = num(c.r, 'first_seen_s2c');
  if (q === null || a === null || a <= q) return null;
  return Math.round((a - q) * 1e6) / 1e6;
}

const DNS_COLUMNS: readonly ZeekColumn[] = [
  col('proto', 'enum', (c) => zeekProto(c.r)),
  col('trans_id', 'count', unset),
  col('rtt', 'interval', dnsRtt),
  col('query', 'string', (c) => str(c.p, 'query')),
  col('qclass', 'count', unset),
  col('qclass_name', 'string', unset),
  col('qtype', 'count', (c) => qtypeNumber(str(c.p, 'qtype'))),
  col('qtype_name', 'string', (c) => qtypeName(str(c.p, 'qtype'))),
  col('rcode', 'count', (c) => rcodeNumber(str(c.p, 'rcode'))),
  col('rcode_name', 'string', (c) => rcodeName(str(c.p, 'rcode'))),
  col('AA', 'bool', unset),
  col('TC', 'bool', unset),
  col('RD', 'bool', unset),
  col('RA', 'bool', unset),
  col('Z', 'count', unset),
  // Zeek creates the vector with the first answer: no answers is unset, not empty
  col('answers', 'vector[string]', (c) => { const a = strings(c.p, 'answers'); return a && a.length > 0 ? a : null; }),
  col('TTLs', 'vector[interval]', unset),
  col('rejected', 'bool', unset),
];

export const DNS_ZEEK_LOG: ZeekLogDeclaration = { log: 'dns', objects: ['dns'], columns: DNS_COLUMNS };
