import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// SNMP (RFC 3416/1157/3412): a BER SEQUENCE holding INTEGER version (0 v1, 1 v2c, 3 v3); v1 and
// v2c carry an OCTET STRING community (a shared secret: never output) then a PDU with a
// context tag 0xa0..0xa8 (get, get-next, response, set, trap, get-bulk, inform, trap-v2,
// report); v3 carries a header SEQUENCE (msgID, msgMaxSize, msgFlags, msgSecurityModel).

interface State {
  done: boolean;
}

const PDUS = ['get-request', 'get-next-request', 'response', 'set-request', 'trap', 'get-bulk-request', 'inform-request', 'snmpv2-trap', 'report'];

function berLen(d: Uint8Array, i: number, end: number): [number, number] | null {
  if (i >= end) return null;
  const b = d[i]!;
  if (b < 0x80) return [b, 1];
  const n = b & 0x7f;
  if (n === 0 || n > 2 || i + n >= end) return null;
  return [n === 1 ? d[i + 1]! : (d[i + 1]! << 8) | d[i + 2]!, 1 + n];
}

export function parseSnmp(d: Uint8Array, off: number, len: number): { version: number; pdu: string | null } | null {
  const end = off + len;
  if (len < 10 || d[off] !== 0x30) return null;
  const l = berLen(d, off + 1, end);
  if (!l || off + 1 + l[1] + l[0] !== end) return null;
  let p = off + 1 + l[1];
  if (d[p] !== 0x02 || d[p + 1] !== 0x01) return null;
  const version = d[p + 2]!;
  if (version !== 0 && version !== 1 && version !== 3) return null;
  p += 3;
  if (version === 3) return d[p] === 0x30 ? { version, pdu: null } : null;
  if (d[p] !== 0x04) return null;
  const cl = berLen(d, p + 1, end);
  if (!cl) return null;
  p += 1 + cl[1] + cl[0];
  if (p >= end) return null;
  const tag = d[p]!;
  if (tag < 0xa0 || tag > 0xa8) return null;
  return { version, pdu: PDUS[tag - 0xa0]! };
}

export default defineDissector<State>({
  name: 'snmp',
  protocols: [{ name: 'SNMP', category: 'Network', kind: 'protocol', udpPorts: [161, 162], description: 'Simple Network Management Protocol' }],
  transports: Transport.Udp,
  firstBytes: [0x30],
  maxPackets: 2,
  fields: [
    { name: 'version', type: 'string', description: '1, 2c or 3' },
    { name: 'pdu', type: 'string', description: 'the PDU type of the first message (v1/v2c)' },
  ],
  probe(d, off, len) {
    return parseSnmp(d, off, len) !== null;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    const m = parseSnmp(d, off, len);
    if (!m) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('SNMP'));
    ctx.setField('version', m.version === 0 ? '1' : m.version === 1 ? '2c' : '3');
    if (m.pdu) ctx.setField('pdu', m.pdu);
    return Verdict.Done;
  },
});
