import { defineDissector, type InspectContext, Transport, Verdict, type VerdictValue } from '../../api/dissector.js';
import { EXT_ECH, ja3, ja4, parseClientHelloBody } from '../tls/client-hello.js';
import {
  clientInitialKeys, type InitialKeys, initialType, isGquicVersion, isIetfVersion, isKnownVersion, isForcingNegotiation,
  Q046, Q050, T050, T051, unprotectLongHeader, versionCrypto, versionName,
} from './crypto.js';
import { chloSize, type GquicPublicHeader, gquicStreamFrames, isGquicPublicHeader, parseChlo, parsePublicHeader, parseQ046Header, tagText } from './gquic.js';
import { CryptoReassembler, MAX_CID, parseLongHeader, scanFrames, type CryptoFragment } from './packet.js';
import { EXT_QUIC_TP, EXT_QUIC_TP_DRAFT, findExtension, googleUserAgent } from './transport-params.js';

// QUIC (RFC 9000/9001, v2 RFC 9369, IETF drafts, Facebook mvfst) and Google QUIC. The client's
// Initial packets are protected with keys anyone can derive from the Destination Connection ID:
// we remove that protection, reassemble the CRYPTO stream (possibly split over several packets
// and datagrams, in any order) and read the TLS ClientHello: server name, ALPN, JA4/JA3. Google
// QUIC up to Q046 carries its CHLO in cleartext; Q050 and T05x use IETF-style protection.

/** the most CRYPTO stream bytes kept per flow (a ClientHello is ~2 KB, PQ key shares included) */
const MAX_CRYPTO = 16384;
/** clients must pad datagrams carrying Initial packets to 1200 bytes (RFC 9000 §14.1) */
const MIN_INITIAL_DATAGRAM = 1200;

interface State {
  version: number;
  named: boolean;
  /** client CRYPTO stream (TLS handshake, or the gQUIC crypto stream's CHLO) */
  crypto: CryptoReassembler | null;
  /** the DCID the current keys were derived from (a copy), and the keys */
  dcid: Uint8Array | null;
  keys: InitialKeys | null;
  /** the version whose handshake `crypto` holds */
  cryptoVersion: number;
  finished: boolean;
  /** short header packets: per direction, the DCID's first 8 bytes (as two words each) and how often seen */
  shortCid: [number, number, number, number];
  shortSeen: [number, number];
}

/** short header packets this long at least: flags, an 8-byte DCID, packet number, 16-byte tag */
const SHORT_MIN = 1 + 8 + 1 + 16;
/** short header packets with the same DCID, in one direction, that name a flow QUIC */
const SHORT_REPEATS = 3;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export default defineDissector<State>({
  name: 'quic',
  protocols: [
    { name: 'QUIC', category: 'Web', kind: 'protocol', udpPorts: [443], description: 'QUIC (IETF and Google) transport' },
    { name: 'DoH_DoT', category: 'Network', kind: 'application', description: 'DNS over TLS, HTTPS or QUIC' },
  ],
  transports: Transport.Udp,
  firstBytes: [
    ...Array.from({ length: 64 }, (_, i) => 0xc0 + i), // long header with the fixed bit
    0x09, 0x0b, 0x0d, 0x0f, 0x19, 0x1b, 0x1d, 0x1f, 0x29, 0x2b, 0x2d, 0x2f, 0x39, 0x3b, 0x3d, 0x3f, // gQUIC public header
    ...Array.from({ length: 64 }, (_, i) => 0x40 + i), // short header (flows seen from mid-connection)
  ],
  maxPackets: 16,
  fields: [
    { name: 'version', type: 'string', description: "QUIC version: 'v1', 'v2', 'draft-29', Google's 'Q050'…" },
    { name: 'sni', type: 'string', description: 'server name from the ClientHello (or gQUIC CHLO)', privacy: 'host' },
    { name: 'ech', type: 'bool', description: 'true when the ClientHello carries Encrypted Client Hello (the SNI seen is then the outer, public name)' },
    { name: 'user_agent', type: 'string', description: "the client's user agent (Google QUIC CHLO UAID or transport parameter 0x3129)", privacy: 'identifying' },
  ],
  probe(data, off, len, ctx) {
    if (len < 7) return false;
    const b = data[off]!;
    if ((b & 0xc0) === 0xc0) {
      const v = ((data[off + 1]! << 24) | (data[off + 2]! << 16) | (data[off + 3]! << 8) | data[off + 4]!) >>> 0;
      // gQUIC Q046 encodes both CID lengths in one byte (0x50): no IETF length check
      return isKnownVersion(v) && (data[off + 5]! <= MAX_CID || isGquicVersion(v));
    }
    if ((b & 0xc0) === 0x40) return len >= SHORT_MIN && (ctx.serverPort === 443 || ctx.clientPort === 443);
    return isGquicPublicHeader(data, off, len);
  },
  createState() {
    return { version: 0, named: false, crypto: null, dcid: null, keys: null, cryptoVersion: -1, finished: false, shortCid: [-1, -1, -1, -1], shortSeen: [0, 0] };
  },
  inspect(st, data, off, len, ctx) {
    if (st.finished) return Verdict.Done;
    const b = data[off]!;
    if ((b & 0xc0) === 0x40 && !st.named) return shortHeader(st, data, off, len, ctx);
    if (ctx.dir !== 0) return Verdict.Continue; // server packets: nothing we need
    if ((b & 0x80) !== 0) {
      if (len < 7) return Verdict.Continue;
      const v = ((data[off + 1]! << 24) | (data[off + 2]! << 16) | (data[off + 3]! << 8) | data[off + 4]!) >>> 0;
      if (v === Q046) return gquicCleartext(st, data, off, len, ctx, parseQ046Header(data, off, len));
      if (isIetfVersion(v) || v === Q050 || v === T050 || v === T051) return ietfDatagram(st, data, off, len, ctx);
      if (isGquicVersion(v)) {
        // other gQUIC versions with long headers: name them, nothing more to read
        nameQuic(st, ctx, v, len);
        return st.named ? finish(st) : Verdict.Continue;
      }
      return st.named ? Verdict.Continue : Verdict.NotMine;
    }
    if (isGquicPublicHeader(data, off, len)) return gquicCleartext(st, data, off, len, ctx, parsePublicHeader(data, off, len));
    // short header (1-RTT) packets or gQUIC packets without a version: nothing to read
    return st.named ? Verdict.Continue : Verdict.NotMine;
  },
});

/**
 * Flows whose handshake was not captured: 1-RTT packets (RFC 9000 §17.3) carry the DCID right
 * after the first byte, the same in every packet of a direction, while the rest is ciphertext.
 * Its length is not on the wire: compare the first 8 bytes (endpoints with zero-length CIDs make
 * the other direction vary, so each direction is judged alone).
 */
function shortHeader(st: State, data: Uint8Array, off: number, len: number, ctx: InspectContext): VerdictValue {
  if (len < SHORT_MIN) return Verdict.Continue;
  const d = ctx.dir;
  const high = ((data[off + 1]! << 24) | (data[off + 2]! << 16) | (data[off + 3]! << 8) | data[off + 4]!) >>> 0;
  const low = ((data[off + 5]! << 24) | (data[off + 6]! << 16) | (data[off + 7]! << 8) | data[off + 8]!) >>> 0;
  if (st.shortCid[d * 2] === high && st.shortCid[d * 2 + 1] === low) st.shortSeen[d]++;
  else {
    st.shortCid[d * 2] = high;
    st.shortCid[d * 2 + 1] = low;
    st.shortSeen[d] = 1;
  }
  if (st.shortSeen[d] < SHORT_REPEATS) return Verdict.Continue;
  st.named = true;
  ctx.setProtocol(ctx.protocolId('QUIC'));
  return finish(st);
}

function finish(st: State): VerdictValue {
  st.finished = true;
  st.crypto = null;
  st.keys = null;
  return Verdict.Done;
}

/** names the flow QUIC once: on an Initial that decrypted, or a plausible one of full size */
function nameQuic(st: State, ctx: InspectContext, version: number, datagramLen: number, sure = false): void {
  if (st.named) return;
  if (!sure && datagramLen < MIN_INITIAL_DATAGRAM) return;
  st.named = true;
  st.version = version;
  ctx.setProtocol(ctx.protocolId('QUIC'));
  ctx.setField('version', versionName(version));
}

/** one client datagram of IETF-style long header packets (coalesced packets included) */
function ietfDatagram(st: State, data: Uint8Array, off: number, len: number, ctx: InspectContext): VerdictValue {
  const end = off + len;
  let p = off;
  while (p + 7 <= end && (data[p]! & 0x80) !== 0) {
    const v = ((data[p + 1]! << 24) | (data[p + 2]! << 16) | (data[p + 3]! << 8) | data[p + 4]!) >>> 0;
    if (!isIetfVersion(v) && v !== Q050 && v !== T050 && v !== T051) break;
    if (isForcingNegotiation(v) && (data[p]! & 0x40) === 0) break;
    const it = initialType(v);
    const h = parseLongHeader(data, p, end, it);
    if (!h) break;
    if (h.type === it && h.dcid.length > 0) {
      const vc = versionCrypto(v);
      if (!vc) {
        // a version whose Initial protection we do not know: QUIC, but nothing more to read
        nameQuic(st, ctx, v, len);
        return st.named ? finish(st) : Verdict.Continue;
      }
      if (st.cryptoVersion !== v) {
        // first Initial, or a new handshake after version negotiation
        st.crypto = null;
        st.cryptoVersion = v;
      }
      if (st.keys === null || st.dcid === null || !sameBytes(st.dcid, h.dcid)) {
        st.keys = clientInitialKeys(h.dcid, vc);
        st.dcid = Uint8Array.from(h.dcid);
      }
      const u = unprotectLongHeader(data, p, h.pnOffset, h.length, st.keys, end);
      if (u) {
        nameQuic(st, ctx, v, len, true);
        const gq = isGquicVersion(v);
        const frames = scanFrames(u.payload, gq);
        if (addCrypto(st, ctx, frames.fragments, v === Q050 ? 'chlo' : 'tls')) return finish(st);
      } else {
        nameQuic(st, ctx, v, len);
      }
    }
    if (p + h.size > end) break;
    p += h.size;
  }
  return Verdict.Continue;
}

/** gQUIC Q046 and older: the CHLO in a cleartext STREAM frame on stream 1 */
function gquicCleartext(st: State, data: Uint8Array, off: number, len: number, ctx: InspectContext, h: GquicPublicHeader | null): VerdictValue {
  if (!h) return st.named ? Verdict.Continue : Verdict.NotMine;
  const frags = gquicStreamFrames(data.subarray(off + h.payloadOffset, off + len), h.version);
  const chlo = frags.some((f) => f.offset === 0 && f.data.length >= 4 && f.data[0] === 0x43 && f.data[1] === 0x48 && f.data[2] === 0x4c && f.data[3] === 0x4f);
  nameQuic(st, ctx, h.version, len, chlo);
  if (!st.named) return Verdict.Continue;
  if (frags.length === 0 && st.crypto === null) return finish(st); // no CHLO to wait for
  return addCrypto(st, ctx, frags, 'chlo') ? finish(st) : Verdict.Continue;
}

/** adds crypto stream fragments; true once the client hello was read (or cannot be) */
function addCrypto(st: State, ctx: InspectContext, frags: readonly CryptoFragment[], kind: 'tls' | 'chlo'): boolean {
  if (frags.length === 0) return false;
  const r = (st.crypto ??= new CryptoReassembler(MAX_CRYPTO));
  for (const f of frags) r.add(f.offset, f.data);
  const m = r.bytes();
  if (kind === 'chlo') {
    const size = chloSize(m);
    if (size === null) return false;
    if (size > MAX_CRYPTO) return true;
    if (m.length < size) return false;
    reportChlo(ctx, m.subarray(0, size));
    return true;
  }
  if (m.length < 4) return false;
  if (m[0] !== 1) return true; // not a ClientHello: nothing to read
  const bodyLen = (m[1]! << 16) | (m[2]! << 8) | m[3]!;
  if (4 + bodyLen > MAX_CRYPTO) return true;
  if (m.length < 4 + bodyLen) return false;
  reportClientHello(st, ctx, m, 4, bodyLen);
  return true;
}

function isNumericHost(h: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(h) || (h.includes(':') && /^[0-9a-fA-F:.[\]]+$/.test(h));
}

function reportClientHello(st: State, ctx: InspectContext, m: Uint8Array, off: number, len: number): void {
  const ch = parseClientHelloBody(m, off, len);
  if (!ch) {
    ctx.addRisk('malformed_packet', 'QUIC: unparsable ClientHello');
    return;
  }
  if (ch.sni) {
    ctx.setHostname(ch.sni);
    ctx.setField('sni', ch.sni);
    if (isNumericHost(ch.sni)) ctx.addRisk('http_numeric_ip_host', ch.sni);
  } else {
    ctx.addRisk('missing_sni');
  }
  if (ch.extensions.includes(EXT_ECH)) ctx.setField('ech', true);
  if (ch.alpn.length) {
    ctx.setAlpn(ch.alpn);
    // DNS over QUIC (RFC 9250): ALPN "doq", or "doq-i…" for drafts
    if (ch.alpn.some((a) => a.startsWith('doq'))) ctx.setApplication(ctx.protocolId('DoH_DoT'));
  }
  ctx.setFingerprint('ja4', ja4(ch, 'q'));
  ctx.setFingerprint('ja3', ja3(ch));
  const tp = findExtension(m, off, len, [EXT_QUIC_TP, EXT_QUIC_TP_DRAFT]);
  if (tp) {
    const v = st.cryptoVersion;
    const d = (v >>> 8) === 0xff0000 ? v & 0xff : 0;
    const varints = tp.type === EXT_QUIC_TP || (d === 0 ? v !== T050 : d >= 27);
    const ua = googleUserAgent(tp.body, varints);
    if (ua) ctx.setField('user_agent', ua);
  }
}

function reportChlo(ctx: InspectContext, m: Uint8Array): void {
  const chlo = parseChlo(m);
  if (!chlo) return;
  const sni = tagText(chlo.tags.get('SNI'));
  if (sni) {
    ctx.setHostname(sni);
    ctx.setField('sni', sni);
    if (isNumericHost(sni)) ctx.addRisk('http_numeric_ip_host', sni);
  } else {
    ctx.addRisk('missing_sni');
  }
  const ua = tagText(chlo.tags.get('UAID'));
  if (ua) ctx.setField('user_agent', ua);
}
