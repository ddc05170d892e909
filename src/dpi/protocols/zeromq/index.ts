import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// ZeroMQ Message Transport Protocol. Both peers open with a greeting that starts with the same
// 10-byte signature, 0xFF, 8 padding bytes (not significant), 0x7F:
// - ZMTP 3.0 (rfc.zeromq.org 23/ZMTP) and 3.1 (37/ZMTP) §"Formal Grammar": then version major 3,
//   minor 0 or 1, a 20-byte mechanism name (A–Z, digits, - _ . +, NUL padded), as-server (0 or
//   1) and 31 zero bytes: 64 bytes. A peer may send the first 11 bytes alone and the rest after
//   reading the other's version, so a greeting often arrives in two pieces.
// - ZMTP 2.0 (15/ZMTP): then revision 0x01, the socket type, and the identity as a final short
//   frame (flags 0, one-byte length, body). A 3.x peer talking to a 2.0 peer keeps its first
//   11 bytes (major 3) and goes on in the 2.0 form, socket type first.
// No port is assigned; the greeting is recognised whichever side is seen first. The mechanism
// and version are output; identities and message bodies are not.

const SIGNATURE_START = 0xff;
const SIGNATURE_END = 0x7f;
const GREETING_V3 = 64;
const MECHANISM_AT = 12;
const MECHANISM_BYTES = 20;
const AS_SERVER_AT = 32;
const FILLER_AT = 33;
/** the highest socket type libzmq carries in a ZMTP 2.0 greeting (XSUB); PAIR…PUSH are 0–8 in 15/ZMTP */
const MAX_V2_SOCKET_TYPE = 10;

interface State {
  done: boolean;
}

export interface Greeting {
  version: '2.0' | '3.0' | '3.1';
  mechanism?: string;
}

const isMechanismChar = (c: number): boolean =>
  (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f || c === 0x2e || c === 0x2b;

/** the ZMTP 2.0 part from the socket type on (at `at`); undefined when incomplete */
function v2Rest(d: Uint8Array, off: number, len: number, at: number): boolean | undefined {
  if (len <= at) return undefined;
  if (d[off + at]! > MAX_V2_SOCKET_TYPE) return false;
  if (len <= at + 1) return undefined;
  if (d[off + at + 1] !== 0) return false; // the identity is one final short frame
  if (len <= at + 2) return undefined;
  const next = at + 3 + d[off + at + 2]!;
  // what follows the identity is a frame: flags with only MORE (1) and LONG (2) defined
  if (len > next && (d[off + next]! & 0xfc) !== 0) return false;
  return true;
}

/**
 * One side's greeting: null when it is not one, undefined while incomplete (or a 3.x peer that
 * went on in the 2.0 form, which the 2.0 peer's own greeting decides).
 */
export function parseGreeting(d: Uint8Array, off: number, len: number): Greeting | null | undefined {
  if (len < 1) return undefined;
  if (d[off] !== SIGNATURE_START) return null;
  if (len < 10) return undefined;
  if (d[off + 9] !== SIGNATURE_END) return null;
  if (len < 11) return undefined;
  const major = d[off + 10]!;
  if (major === 1) {
    const rest = v2Rest(d, off, len, 11);
    return rest === undefined ? undefined : rest ? { version: '2.0' } : null;
  }
  if (major !== 3) return null;
  if (len < 12) return undefined;
  const minor = d[off + 11]!;
  if (len > MECHANISM_AT && d[off + MECHANISM_AT] === 0) {
    // no mechanism name: only the downgrade to 2.0, where byte 11 is the socket type
    const rest = v2Rest(d, off, len, 11);
    return rest === false ? null : undefined;
  }
  if (minor > 1) return null;
  const end = Math.min(len, GREETING_V3);
  let nul = false;
  for (let i = MECHANISM_AT; i < Math.min(end, MECHANISM_AT + MECHANISM_BYTES); i++) {
    const c = d[off + i]!;
    if (c === 0) nul = true;
    else if (nul || !isMechanismChar(c)) return null;
  }
  if (end > AS_SERVER_AT && d[off + AS_SERVER_AT]! > 1) return null;
  for (let i = FILLER_AT; i < end; i++) if (d[off + i] !== 0) return null;
  if (len < GREETING_V3) return undefined;
  let mechanism = '';
  for (let i = MECHANISM_AT; i < MECHANISM_AT + MECHANISM_BYTES && d[off + i] !== 0; i++) mechanism += String.fromCharCode(d[off + i]!);
  return { version: minor === 0 ? '3.0' : '3.1', mechanism };
}

export default defineDissector<State>({
  name: 'zeromq',
  protocols: [{ name: 'ZeroMQ', category: 'RPC', kind: 'protocol', description: 'ZeroMQ Message Transport Protocol (ZMTP 2.0, 3.0, 3.1)' }],
  transports: Transport.Tcp,
  firstBytes: [SIGNATURE_START],
  // an 11-byte half greeting from each side, then the rest
  maxPackets: 16,
  fields: [
    { name: 'version', type: 'string', description: 'ZMTP version of the first complete greeting: 2.0, 3.0 or 3.1' },
    { name: 'mechanism', type: 'string', description: 'ZMTP 3.x security mechanism: NULL, PLAIN, CURVE…' },
  ],
  probe(d, off, len) {
    if (d[off] !== SIGNATURE_START) return false;
    if (len >= 10 && d[off + 9] !== SIGNATURE_END) return false;
    return len < 11 || d[off + 10] === 1 || d[off + 10] === 3;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.gap) return Verdict.NotMine;
    const g = parseGreeting(d, off, len);
    if (g === undefined) return Verdict.Continue;
    if (g === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('ZeroMQ'));
    ctx.setField('version', g.version);
    if (g.mechanism !== undefined) ctx.setField('mechanism', g.mechanism);
    return Verdict.Done;
  },
});
