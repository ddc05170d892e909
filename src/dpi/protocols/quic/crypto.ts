import { type Cipher, createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';

// QUIC Initial packet protection (RFC 9001 §5; RFC 9369 §3.3 for v2): keys derived from the
// client's Destination Connection ID with a per-version salt, header protection with AES-ECB over
// a 16-byte sample, payload protection with AES-128-GCM (nonce = iv XOR packet number).

export interface InitialKeys {
  key: Buffer;
  iv: Buffer;
  hp: Buffer;
  /** AES-ECB under `hp`, made once: ECB keeps no state between blocks, so every packet's mask reuses it */
  mask: Cipher | null;
}

/** How a version protects its Initial packets, or null when we cannot decrypt them. */
export interface VersionCrypto {
  salt: Buffer;
  /** label prefix: 'quic ' (v1, drafts, gQUIC T05x/Q050) or 'quicv2 ' (RFC 9369) */
  labelPrefix: string;
}

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

// RFC 9001 §5.2
const SALT_V1 = hex('38762cf7f55934b34d179ae6a4c80cadccbb7f0a');
// RFC 9369 §3.3.1
const SALT_V2 = hex('0dede3def700a6db819381be6e269dcbf9bd2ed9');
// draft-ietf-quic-tls-29 §5.2 (drafts 29 to 32)
const SALT_D29 = hex('afbfec289993d24c9e9786f19c6111e04390a899');
// draft-ietf-quic-tls-23 §5.2 (drafts 23 to 28)
const SALT_D23 = hex('c3eef712c72ebb5a11a7d2432bb46365bef9f502');
// draft-ietf-quic-tls-21/22 (and Facebook mvfst's draft-22 based version)
const SALT_D22 = hex('7fbcdb0e7c66bbe9193a96cd21519ebd7a02644a');
// Google QUIC versions with IETF-style Initial protection (as used by Chromium and Wireshark)
const SALT_Q050 = hex('504574efd066fe2f9d945cfcdbd3a7f0d3b56b45');
const SALT_T050 = hex('7ff579e5acd072915580304c43a2367c60488310');
const SALT_T051 = hex('7a4edef4e7ccee5fa4506c19124fc8ccda6e033d');

export const V1 = 0x00000001;
export const V2 = 0x6b3343cf;
export const Q046 = 0x51303436;
export const Q050 = 0x51303530;
export const T050 = 0x54303530;
export const T051 = 0x54303531;
const MVFST_22 = 0xfaceb001;
const MVFST_27 = 0xfaceb002;
const MVFST_EXP = 0xfaceb00e;

/** Google QUIC: 'Q0xx' or 'T0xx' in ASCII */
export function isGquicVersion(v: number): boolean {
  const hi = v >>> 24;
  return (hi === 0x51 || hi === 0x54) && ((v >>> 16) & 0xff) === 0x30 && isDigit((v >>> 8) & 0xff) && isDigit(v & 0xff);
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** versions that follow the pattern 0x?a?a?a?a are reserved to force version negotiation */
export function isForcingNegotiation(v: number): boolean {
  return ((v & 0x0f0f0f0f) >>> 0) === 0x0a0a0a0a;
}

/** IETF QUIC: v1, v2, drafts (0xff0000xx), Facebook mvfst (0xfaceb00x), negotiation-forcing */
export function isIetfVersion(v: number): boolean {
  return v === V1 || v === V2 || (v >>> 8) === 0xff0000 || (v >>> 12) === 0xfaceb || isForcingNegotiation(v);
}

export function isKnownVersion(v: number): boolean {
  return isIetfVersion(v) || isGquicVersion(v);
}

/** the draft number whose constants a version uses (v1 counts as 33), 0 when not a draft */
function draftOf(v: number): number {
  if ((v >>> 8) === 0xff0000) return v & 0xff;
  if (v === V1) return 33;
  if (v === MVFST_22) return 22;
  if (v === MVFST_27 || v === MVFST_EXP) return 27;
  if (isForcingNegotiation(v)) return 29; // no real version to go by: assume a recent draft
  return 0;
}

export function versionCrypto(v: number): VersionCrypto | null {
  if (v === V2) return { salt: SALT_V2, labelPrefix: 'quicv2 ' };
  if (v === Q050) return { salt: SALT_Q050, labelPrefix: 'quic ' };
  if (v === T050) return { salt: SALT_T050, labelPrefix: 'quic ' };
  if (v === T051) return { salt: SALT_T051, labelPrefix: 'quic ' };
  const d = draftOf(v);
  if (d === 0 || d < 21) return null;
  const salt = d <= 22 ? SALT_D22 : d <= 28 ? SALT_D23 : d <= 32 ? SALT_D29 : SALT_V1;
  return { salt, labelPrefix: 'quic ' };
}

/** The long header packet type of an Initial packet: 0 except in QUIC v2 (RFC 9369 §3.2), 1 */
export function initialType(v: number): number {
  return v === V2 ? 1 : 0;
}

/** a readable version name: 'v1', 'v2', 'draft-29', 'Q050', 'mvfst-27', else hex */
export function versionName(v: number): string {
  if (v === V1) return 'v1';
  if (v === V2) return 'v2';
  if ((v >>> 8) === 0xff0000) return `draft-${v & 0xff}`;
  if (isGquicVersion(v)) return String.fromCharCode(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  if (v === MVFST_22) return 'mvfst-22';
  if (v === MVFST_27) return 'mvfst-27';
  if (v === MVFST_EXP) return 'mvfst-exp';
  return `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
}

/** HkdfLabel (RFC 8446 §7.1) with an empty context, then the counter byte 1: made once per label */
const labelInfos = new Map<string, Buffer>();
function labelInfo(label: string, length: number): Buffer {
  const key = `${length} ${label}`;
  let info = labelInfos.get(key);
  if (info === undefined) {
    const full = Buffer.from(`tls13 ${label}`, 'latin1');
    info = Buffer.alloc(2 + 1 + full.length + 1 + 1);
    info.writeUInt16BE(length, 0);
    info[2] = full.length;
    full.copy(info, 3);
    info[3 + full.length] = 0; // context length
    info[4 + full.length] = 1; // T(1)'s counter
    labelInfos.set(key, info);
  }
  return info;
}

/** HKDF-Expand-Label (RFC 8446 §7.1) with an empty context, SHA-256, length ≤ 32: one HMAC */
export function hkdfExpandLabel(secret: Uint8Array, label: string, length: number): Buffer {
  if (length > 32) throw new RangeError('hkdfExpandLabel: QUIC Initial keys need at most 32 bytes');
  const t = createHmac('sha256', secret).update(labelInfo(label, length)).digest();
  return length === 32 ? t : t.subarray(0, length);
}

/** client_initial_secret (RFC 9001 §5.2): HKDF-Extract and -Expand-Label in one native call */
export function clientInitialSecret(dcid: Uint8Array, vc: VersionCrypto): Buffer {
  const info = labelInfo('client in', 32);
  return Buffer.from(hkdfSync('sha256', dcid, vc.salt, info.subarray(0, info.length - 1), 32));
}

export function packetKeys(secret: Uint8Array, vc: VersionCrypto): InitialKeys {
  return {
    key: hkdfExpandLabel(secret, `${vc.labelPrefix}key`, 16),
    iv: hkdfExpandLabel(secret, `${vc.labelPrefix}iv`, 12),
    hp: hkdfExpandLabel(secret, `${vc.labelPrefix}hp`, 16),
    mask: null,
  };
}

export function clientInitialKeys(dcid: Uint8Array, vc: VersionCrypto): InitialKeys {
  return packetKeys(clientInitialSecret(dcid, vc), vc);
}

/** the 5-byte (first 5 of 16) header protection mask: AES-ECB(hp, sample) */
export function headerMask(hp: Uint8Array, sample: Uint8Array): Buffer {
  const c = createCipheriv('aes-128-ecb', hp, null);
  c.setAutoPadding(false);
  return c.update(sample);
}

export interface Unprotected {
  /** the unprotected header: first byte and packet number in clear */
  header: Buffer;
  packetNumber: number;
  /** decrypted frames */
  payload: Buffer;
}

/**
 * Removes header protection from, and decrypts, one long header packet
 * `data[off .. off+pnOffset+length)` where `pnOffset` is where the packet number starts (relative
 * to off) and `length` the Length field; nothing at or past `end` is read. Returns null when it
 * does not authenticate.
 */
export function unprotectLongHeader(data: Uint8Array, off: number, pnOffset: number, length: number, keys: InitialKeys, end = data.length): Unprotected | null {
  // the sample starts 4 bytes after the start of the packet number (RFC 9001 §5.4.2)
  if (length < 4 + 16 || off + pnOffset + length > Math.min(end, data.length)) return null;
  const sampleAt = off + pnOffset + 4;
  if (keys.mask === null) {
    keys.mask = createCipheriv('aes-128-ecb', keys.hp, null);
    keys.mask.setAutoPadding(false);
  }
  const mask = keys.mask.update(data.subarray(sampleAt, sampleAt + 16));
  const first = data[off]! ^ (mask[0]! & 0x0f);
  const pnLen = (first & 0x03) + 1;
  const header = Buffer.from(data.subarray(off, off + pnOffset + pnLen));
  header[0] = first;
  let pn = 0;
  for (let i = 0; i < pnLen; i++) {
    const b = header[pnOffset + i]! ^ mask[1 + i]!;
    header[pnOffset + i] = b;
    pn = pn * 256 + b;
  }
  const ctStart = off + pnOffset + pnLen;
  const pktEnd = off + pnOffset + length;
  if (pktEnd - ctStart < 16 + 1) return null;
  const nonce = Buffer.from(keys.iv);
  // packet number (≤ 32 bits here) left-padded to the IV length, XORed into the IV
  for (let i = 0, p = pn; i < 4; i++, p = Math.floor(p / 256)) nonce[11 - i] = nonce[11 - i]! ^ (p & 0xff);
  try {
    const d = createDecipheriv('aes-128-gcm', keys.key, nonce);
    d.setAAD(header);
    d.setAuthTag(data.subarray(pktEnd - 16, pktEnd));
    const a = d.update(data.subarray(ctStart, pktEnd - 16));
    const b = d.final();
    return { header, packetNumber: pn, payload: b.length ? Buffer.concat([a, b]) : a };
  } catch {
    return null;
  }
}
