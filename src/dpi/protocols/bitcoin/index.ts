import { createHash } from 'node:crypto';
import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { STREAM_CAP } from '../../runtime/stream.js';
import { u32le } from '../../helpers/text.js';

// Bitcoin peer-to-peer protocol (developer.bitcoin.org, Reference, "P2P Network": "Message
// Headers", "Constants And Defaults", "version"; BIP 94 for testnet4). Every message has a
// 24-byte header: the network's start string (4 bytes), the command (12 bytes of ASCII,
// NUL-padded), the payload size (uint32 little-endian, at most 32 MiB) and a checksum, the
// first 4 bytes of SHA256(SHA256(payload)). The connecting node sends "version" first, the
// other answers with its own "version" and "verack". A version payload holds the protocol
// version, services, time, two network addresses (26 bytes each), a nonce, the user agent
// (compact size + at most 256 bytes), the start height and, from 70001, a relay flag.
// Output: the network, and the protocol version of a version message; not the user agent,
// addresses or nonce.

const HEADER = 24;
const COMMAND_AT = 4;
const COMMAND_BYTES = 12;
const LENGTH_AT = 16;
const CHECKSUM_AT = 20;
/** the largest payload the reference allows */
const MAX_PAYLOAD = 32 * 1024 * 1024;
/** version through nonce, the user agent's size byte and the start height (protocol ≥ 106) */
const MIN_VERSION_PAYLOAD = 4 + 8 + 8 + 26 + 26 + 8 + 1 + 4;
const MAX_USER_AGENT = 256;
/** the oldest protocol version with the second address, nonce and user agent */
const MIN_PROTOCOL = 106;

const NETWORKS: readonly { magic: readonly number[]; name: string }[] = [
  { magic: [0xf9, 0xbe, 0xb4, 0xd9], name: 'mainnet' },
  { magic: [0x0b, 0x11, 0x09, 0x07], name: 'testnet' },
  { magic: [0x1c, 0x16, 0x3f, 0x28], name: 'testnet4' },
  { magic: [0x0a, 0x03, 0xcf, 0x40], name: 'signet' },
  { magic: [0xfa, 0xbf, 0xb5, 0xda], name: 'regtest' },
];

/** the commands of the reference and later BIPs (addrv2 155, wtxidrelay 339, sendtxrcncl 330, compact filters 157) */
const COMMANDS = new Set([
  'version', 'verack', 'addr', 'addrv2', 'sendaddrv2', 'inv', 'getdata', 'notfound', 'getblocks', 'getheaders', 'tx', 'block',
  'headers', 'getaddr', 'mempool', 'ping', 'pong', 'reject', 'filterload', 'filteradd', 'filterclear', 'merkleblock',
  'sendheaders', 'feefilter', 'sendcmpct', 'cmpctblock', 'getblocktxn', 'blocktxn', 'alert', 'wtxidrelay', 'sendtxrcncl',
  'getcfilters', 'cfilter', 'getcfheaders', 'cfheaders', 'getcfcheckpt', 'cfcheckpt',
]);

/** payload sizes the reference fixes */
const FIXED_SIZE: Record<string, readonly number[]> = {
  verack: [0], getaddr: [0], mempool: [0], sendheaders: [0], wtxidrelay: [0], sendaddrv2: [0], filterclear: [0],
  // ping without a nonce before BIP 31
  ping: [0, 8], pong: [8], feefilter: [8], sendcmpct: [9],
};

interface State {
  done: boolean;
}

/** index into NETWORKS of the start string at d[off..], matched on the first `avail` bytes; -1 for none */
export function networkOf(d: Uint8Array, off: number, avail: number): number {
  const n = Math.min(avail, 4);
  for (let k = 0; k < NETWORKS.length; k++) {
    const m = NETWORKS[k]!.magic;
    let i = 0;
    while (i < n && d[off + i] === m[i]) i++;
    if (i === n) return k;
  }
  return -1;
}

/** The command of a header at d[off..]: printable ASCII, then NUL padding only; null when not. */
export function commandOf(d: Uint8Array, off: number): string | null {
  let end = COMMAND_AT;
  while (end < COMMAND_AT + COMMAND_BYTES && d[off + end] !== 0) {
    const c = d[off + end]!;
    if (c < 0x21 || c > 0x7e) return null;
    end++;
  }
  if (end === COMMAND_AT) return null;
  for (let i = end; i < COMMAND_AT + COMMAND_BYTES; i++) if (d[off + i] !== 0) return null;
  return String.fromCharCode(...d.subarray(off + COMMAND_AT, off + end));
}

function checksumMatches(d: Uint8Array, off: number, length: number): boolean {
  const payload = d.subarray(off + HEADER, off + HEADER + length);
  const once = createHash('sha256').update(payload).digest();
  const twice = createHash('sha256').update(once).digest();
  for (let i = 0; i < 4; i++) if (twice[i] !== d[off + CHECKSUM_AT + i]) return false;
  return true;
}

/** The protocol version of a version payload at d[p..p+length), or -1 when it is not one. */
export function versionPayload(d: Uint8Array, p: number, length: number): number {
  if (length < MIN_VERSION_PAYLOAD) return -1;
  const protocol = u32le(d, p);
  if (protocol < MIN_PROTOCOL || protocol > 0x7fffffff) return -1;
  const uaAt = p + 80;
  const first = d[uaAt]!;
  // a compact size: one byte below 0xfd, else 0xfd and 16 bits (253 and up: at most 256 here)
  if (first > 0xfd) return -1;
  const sizeBytes = first === 0xfd ? 3 : 1;
  const size = first === 0xfd ? d[uaAt + 1]! | (d[uaAt + 2]! << 8) : first;
  if (first === 0xfd && size < 0xfd) return -1; // not the shortest form
  if (size > MAX_USER_AGENT) return -1;
  const heightAt = uaAt + sizeBytes + size;
  // the start height, then the relay flag (0 or 1) when present
  if (heightAt + 4 > p + length) return -1;
  for (let i = uaAt + sizeBytes; i < heightAt; i++) if (d[i]! < 0x20 || d[i]! > 0x7e) return -1;
  if (heightAt + 4 < p + length && d[heightAt + 4]! > 1) return -1;
  return protocol;
}

export default defineDissector<State>({
  name: 'bitcoin',
  protocols: [{ name: 'Bitcoin', ndpi: 'BITCOIN', category: 'Crypto_Currency', kind: 'protocol', tcpPorts: [8333, 18333, 38333, 18444, 48333], description: 'Bitcoin peer-to-peer protocol' }],
  transports: Transport.Tcp,
  firstBytes: NETWORKS.map((n) => n.magic[0]!),
  maxPackets: 6,
  fields: [
    { name: 'network', type: 'string', description: 'the network of the start string: mainnet, testnet (testnet3), testnet4, signet or regtest' },
    { name: 'protocol_version', type: 'int', description: 'the protocol version of the first version message (70016…)' },
  ],
  probe(d, off, len) {
    if (networkOf(d, off, len) < 0) return false;
    return len < HEADER || commandOf(d, off) !== null;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.gap) return Verdict.NotMine;
    const network = networkOf(d, off, len);
    if (network < 0) return Verdict.NotMine;
    if (len < HEADER) return Verdict.Continue;
    const command = commandOf(d, off);
    if (command === null) return Verdict.NotMine;
    const length = u32le(d, off + LENGTH_AT);
    if (length > MAX_PAYLOAD) return Verdict.NotMine;
    const fixed = FIXED_SIZE[command];
    if (fixed !== undefined && !fixed.includes(length)) return Verdict.NotMine;
    let protocol = -1;
    if (HEADER + length > STREAM_CAP) {
      // a block or a large inventory the stream cannot hold whole: the start string and a
      // command of the reference must do
      if (!COMMANDS.has(command) || command === 'version') return Verdict.NotMine;
    } else {
      if (len < HEADER + length) return Verdict.Continue;
      if (!checksumMatches(d, off, length)) return Verdict.NotMine;
      if (command === 'version') {
        protocol = versionPayload(d, off + HEADER, length);
        if (protocol < 0) return Verdict.NotMine;
      }
    }
    ctx.setProtocol(ctx.protocolId('Bitcoin'));
    ctx.setField('network', NETWORKS[network]!.name);
    if (protocol >= 0) ctx.setField('protocol_version', protocol);
    return Verdict.Done;
  },
});
