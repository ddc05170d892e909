import { createCipheriv } from 'node:crypto';
import { clientInitialKeys, headerMask, initialType, versionCrypto } from './crypto.js';

// Test support: builds protected client Initial packets (RFC 9001 §5, as in its Appendix A), so
// tests can describe a handshake frame by frame. Not used by the dissector itself.

export const varint = (v: number): number[] => {
  if (v < 0x40) return [v];
  if (v < 0x4000) return [0x40 | (v >> 8), v & 0xff];
  if (v < 0x40000000) return [0x80 | (v >>> 24), (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
  throw new Error('varint too large for tests');
};

/** a CRYPTO frame (type 0x06; Google QUIC Q050/T05x: 0x08) */
export const cryptoFrame = (offset: number, data: readonly number[] | Uint8Array, type = 0x06): number[] =>
  [type, ...varint(offset), ...varint(data.length), ...data];

export interface InitialSpec {
  version: number;
  dcid: readonly number[];
  scid?: readonly number[];
  token?: readonly number[];
  packetNumber?: number;
  /** packet number length 1..4 (default 4, as in RFC 9001 A.2) */
  pnLength?: number;
  frames: readonly number[];
  /** pad the frames with PADDING so the packet is this long (default 1200; 0: no padding) */
  padTo?: number;
}

export function protectInitial(s: InitialSpec): Uint8Array {
  const vc = versionCrypto(s.version);
  if (!vc) throw new Error('no Initial protection for this version');
  const keys = clientInitialKeys(Uint8Array.from(s.dcid), vc);
  const pnLen = s.pnLength ?? 4;
  const pn = s.packetNumber ?? 2;
  const scid = s.scid ?? [];
  const token = s.token ?? [];
  const first = 0xc0 | (initialType(s.version) << 4) | (pnLen - 1);
  const pre = [first, (s.version >>> 24) & 0xff, (s.version >>> 16) & 0xff, (s.version >>> 8) & 0xff, s.version & 0xff,
    s.dcid.length, ...s.dcid, scid.length, ...scid, ...varint(token.length), ...token];
  let frames = [...s.frames];
  const padTo = s.padTo ?? 1200;
  // header + 2-byte length + pn + frames + 16-byte tag
  const fixed = pre.length + 2 + pnLen + 16;
  if (padTo > 0 && fixed + frames.length < padTo) frames = frames.concat(new Array<number>(padTo - fixed - frames.length).fill(0));
  // the sample needs 4 + 16 bytes after the start of the packet number
  while (pnLen + frames.length + 16 < 20) frames.push(0);
  const length = pnLen + frames.length + 16;
  if (length >= 0x4000) throw new Error('packet too large for tests');
  const pnBytes = Array.from({ length: pnLen }, (_, i) => (pn >>> (8 * (pnLen - 1 - i))) & 0xff);
  const header = Buffer.from([...pre, 0x40 | (length >> 8), length & 0xff, ...pnBytes]);
  const nonce = Buffer.from(keys.iv);
  for (let i = 0; i < 4; i++) nonce[11 - i] = nonce[11 - i]! ^ ((pn >>> (8 * i)) & 0xff);
  const c = createCipheriv('aes-128-gcm', keys.key, nonce);
  c.setAAD(header);
  const ct = Buffer.concat([c.update(Buffer.from(frames)), c.final(), c.getAuthTag()]);
  const pnOffset = pre.length + 2;
  const mask = headerMask(keys.hp, ct.subarray(4 - pnLen, 20 - pnLen));
  header[0] = header[0]! ^ (mask[0]! & 0x0f);
  for (let i = 0; i < pnLen; i++) header[pnOffset + i] = header[pnOffset + i]! ^ mask[1 + i]!;
  return Uint8Array.from(Buffer.concat([header, ct]));
}

export const concat = (...parts: readonly Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts.map((p) => Buffer.from(p))));
