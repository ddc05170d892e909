import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// Cassandra CQL native protocol v3, v4 and v5 (native_protocol_v4.spec of the Apache Cassandra
// project, §2 "Frame header", §3 "Notations", §4 "Messages"; v3 and v5 specs for their flags).
// Every frame starts with a 9-byte header: version (0x03–0x05 request, 0x83–0x85 response),
// flags, a signed 16-bit stream id, an opcode and a 4-byte body length (at most 256 MiB).
// The connection opens with OPTIONS → SUPPORTED and STARTUP → READY or AUTHENTICATE (or ERROR);
// v5 keeps this header for that handshake and only then switches to its checksummed segments.
// Keys of STARTUP other than their names, queries and credentials are not output.

const MORE = 'more' as const;
type Check = 'ok' | typeof MORE | 'bad';

const MAX_BODY = 256 * 1024 * 1024;
/** a frame longer than what one segment carries is judged on its header and body start once this much is seen */
const ENOUGH_OF_A_LARGE_FRAME = 1024;

const REQUEST_OPCODES: Record<number, string> = {
  0x01: 'STARTUP', 0x05: 'OPTIONS', 0x07: 'QUERY', 0x09: 'PREPARE', 0x0a: 'EXECUTE', 0x0b: 'REGISTER', 0x0d: 'BATCH', 0x0f: 'AUTH_RESPONSE',
};
const RESPONSE_OPCODES: Record<number, string> = {
  0x00: 'ERROR', 0x02: 'READY', 0x03: 'AUTHENTICATE', 0x06: 'SUPPORTED', 0x08: 'RESULT', 0x0c: 'EVENT', 0x0e: 'AUTH_CHALLENGE', 0x10: 'AUTH_SUCCESS',
};
/** flags each version defines: compression, tracing (v3); custom payload, warning (v4); use beta (v5) */
const FLAG_MASK: Record<number, number> = { 3: 0x03, 4: 0x0f, 5: 0x1f };
/** §9 error codes (v5 adds 0x1600 CDC write failure, 0x1700 CAS write unknown) */
const ERROR_CODES = new Set([0x0000, 0x000a, 0x0100, 0x1000, 0x1001, 0x1002, 0x1003, 0x1004, 0x1100, 0x1200, 0x1300, 0x1400, 0x1500, 0x1600, 0x1700, 0x2000, 0x2100, 0x2200, 0x2300, 0x2400, 0x2500]);
const EVENT_TYPES = new Set(['TOPOLOGY_CHANGE', 'STATUS_CHANGE', 'SCHEMA_CHANGE']);

const u16 = (d: Uint8Array, p: number): number => (d[p]! << 8) | d[p + 1]!;
const i32 = (d: Uint8Array, p: number): number => (d[p]! << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!;

/** Reads [string]s (short length + bytes) within [p, end): the position after each, or -1. */
function skipString(d: Uint8Array, p: number, end: number): number {
  if (p + 2 > end) return -1;
  const q = p + 2 + u16(d, p);
  return q > end ? -1 : q;
}
const stringAt = (d: Uint8Array, p: number): string => String.fromCharCode(...d.subarray(p + 2, p + 2 + u16(d, p)));

/** [string map] (STARTUP) or [string multimap] (SUPPORTED) filling [p, end) exactly; the keys */
function stringMapKeys(d: Uint8Array, p: number, end: number, multi: boolean): string[] | null {
  if (p + 2 > end) return null;
  const n = u16(d, p);
  p += 2;
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = skipString(d, p, end);
    if (k < 0) return null;
    keys.push(stringAt(d, p));
    p = k;
    if (multi) {
      if (p + 2 > end) return null;
      const values = u16(d, p);
      p += 2;
      for (let j = 0; j < values && p >= 0; j++) p = skipString(d, p, end);
      if (p < 0) return null;
    } else {
      p = skipString(d, p, end);
      if (p < 0) return null;
    }
  }
  return p === end ? keys : null;
}

/** §4: the body of each message type, from `start` to `end`; `avail` ends the bytes seen. */
function checkBody(d: Uint8Array, opcode: number, flags: number, start: number, end: number, avail: number): Check {
  const n = end - start;
  const whole = end <= avail;
  // OPTIONS and READY carry nothing
  if (opcode === 0x05 || opcode === 0x02) return n === 0 ? 'ok' : 'bad';
  if (opcode === 0x01) {
    // compression is what STARTUP negotiates: it is never compressed itself
    if ((flags & 0x01) !== 0 || n < 2) return 'bad';
    if (!whole) return MORE;
    const keys = stringMapKeys(d, start, end, false);
    return keys !== null && keys.includes('CQL_VERSION') ? 'ok' : 'bad';
  }
  // compressed bodies, or bodies that begin with a tracing id, warnings or a custom payload, are only sized
  if ((flags & 0x0f) !== 0) return 'ok';
  switch (opcode) {
    case 0x06: {
      if (!whole) return MORE;
      return stringMapKeys(d, start, end, true) !== null ? 'ok' : 'bad';
    }
    case 0x03: {
      if (!whole) return MORE;
      return skipString(d, start, end) === end && n > 2 ? 'ok' : 'bad';
    }
    case 0x00: {
      if (start + 6 > avail) return n < 6 ? 'bad' : MORE;
      if (!ERROR_CODES.has(i32(d, start))) return 'bad';
      if (!whole) return n >= 6 + u16(d, start + 4) ? 'ok' : 'bad';
      return skipString(d, start + 4, end) >= 0 ? 'ok' : 'bad';
    }
    case 0x0f: case 0x0e: case 0x10: {
      // [bytes]: int length (negative: null) then the bytes
      if (n < 4) return 'bad';
      if (start + 4 > avail) return MORE;
      const len = i32(d, start);
      return len < -1 || (len >= 0 && 4 + len !== n) || (len === -1 && n !== 4) ? 'bad' : 'ok';
    }
    case 0x07: case 0x09: {
      // [long string] query, then (QUERY) a [consistency]
      if (n < 4) return 'bad';
      if (start + 4 > avail) return MORE;
      const len = i32(d, start);
      if (len < 0 || 4 + len > n) return 'bad';
      if (opcode === 0x09) return 'ok';
      if (4 + len + 2 > n) return 'bad';
      const at = start + 4 + len;
      if (at + 2 > avail) return 'ok';
      return u16(d, at) <= 0x000a ? 'ok' : 'bad';
    }
    case 0x0a: {
      // [short bytes] prepared id
      if (n < 2) return 'bad';
      if (start + 2 > avail) return MORE;
      return 2 + u16(d, start) <= n ? 'ok' : 'bad';
    }
    case 0x0d: {
      if (n < 3) return 'bad';
      if (start + 1 > avail) return MORE;
      return d[start]! <= 2 ? 'ok' : 'bad'; // logged, unlogged, counter
    }
    case 0x0b: {
      // [string list] of event types
      if (!whole) return MORE;
      if (n < 2) return 'bad';
      let p = start + 2;
      for (let i = 0, count = u16(d, start); i < count; i++) {
        const q = skipString(d, p, end);
        if (q < 0 || !EVENT_TYPES.has(stringAt(d, p))) return 'bad';
        p = q;
      }
      return p === end ? 'ok' : 'bad';
    }
    case 0x08: {
      if (n < 4) return 'bad';
      if (start + 4 > avail) return MORE;
      const kind = i32(d, start);
      return kind >= 1 && kind <= 5 ? 'ok' : 'bad'; // void, rows, set keyspace, prepared, schema change
    }
    case 0x0c: {
      if (start + 2 > avail) return n < 2 ? 'bad' : MORE;
      const q = skipString(d, start, end);
      if (q < 0) return 'bad';
      if (q > avail) return MORE;
      return EVENT_TYPES.has(stringAt(d, start)) ? 'ok' : 'bad';
    }
  }
  return 'bad';
}

export interface CqlFrame {
  version: number;
  response: boolean;
  opcode: number;
  /** where the frame ends (possibly beyond the bytes seen) */
  end: number;
}

/** The frame header at d[off..]: the frame, MORE when its header is not all here, null when not CQL v3–v5. */
function readHeader(d: Uint8Array, off: number, avail: number): CqlFrame | typeof MORE | null {
  if (off >= avail) return MORE;
  const v = d[off]!;
  const version = v & 0x7f;
  const response = (v & 0x80) !== 0;
  if (version < 3 || version > 5) return null;
  if (off + 2 > avail) return MORE;
  if ((d[off + 1]! & ~FLAG_MASK[version]!) !== 0) return null;
  if (off + 5 > avail) return MORE;
  const stream = (d[off + 2]! << 24) >> 16 | d[off + 3]!;
  const opcode = d[off + 4]!;
  if ((response ? RESPONSE_OPCODES : REQUEST_OPCODES)[opcode] === undefined) return null;
  // negative streams are the server's own: only EVENT uses one (-1)
  if (stream < 0 && !(response && opcode === 0x0c && stream === -1)) return null;
  if (off + 9 > avail) return MORE;
  const length = i32(d, off + 5);
  if (length < 0 || length > MAX_BODY) return null;
  return { version, response, opcode, end: off + 9 + length };
}

export function parseCqlFrame(d: Uint8Array, off: number, len: number): CqlFrame | typeof MORE | null {
  const avail = off + len;
  const h = readHeader(d, off, avail);
  if (h === MORE || h === null) return h;
  const checked = checkBody(d, h.opcode, d[off + 1]!, off + 9, h.end, avail);
  if (checked === 'bad') return null;
  if (h.end > avail) return checked === 'ok' && len >= ENOUGH_OF_A_LARGE_FRAME ? h : MORE;
  if (checked === MORE) return MORE;
  // a frame that follows in the same bytes has the same version and direction
  if (h.end < avail) {
    const next = readHeader(d, h.end, avail);
    if (next === null || (next !== MORE && (next.version !== h.version || next.response !== h.response))) return null;
  }
  return h;
}

export default defineDissector<{ done: boolean }>({
  name: 'cassandra',
  protocols: [{ name: 'Cassandra', category: 'Database', kind: 'protocol', tcpPorts: [9042], description: 'Apache Cassandra CQL native protocol' }],
  transports: Transport.Tcp,
  firstBytes: [0x03, 0x04, 0x05, 0x83, 0x84, 0x85],
  // a first frame split into small segments is decided once all of it is here
  maxPackets: 12,
  fields: [
    { name: 'version', type: 'int', description: 'native protocol version (3, 4 or 5)' },
    { name: 'opcode', type: 'string', description: 'the message type of the first frame seen, e.g. OPTIONS, STARTUP, READY' },
  ],
  probe(d, off, len) {
    const version = d[off]! & 0x7f;
    if (version < 3 || version > 5) return false;
    if (len >= 2 && (d[off + 1]! & ~FLAG_MASK[version]!) !== 0) return false;
    if (len >= 5) return ((d[off]! & 0x80) ? RESPONSE_OPCODES : REQUEST_OPCODES)[d[off + 4]!] !== undefined;
    return true;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    const f = parseCqlFrame(d, off, len);
    if (f === MORE) return Verdict.Continue;
    if (f === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('Cassandra'));
    ctx.setField('version', f.version);
    ctx.setField('opcode', (f.response ? RESPONSE_OPCODES : REQUEST_OPCODES)[f.opcode]!);
    return Verdict.Done;
  },
});
