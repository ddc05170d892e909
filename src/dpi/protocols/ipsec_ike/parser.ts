// ISAKMP / IKE (RFC 2408 §3.1, RFC 7296 §3.1) and its NAT traversal encapsulation (RFC 3948).
// The header is 28 bytes: initiator SPI (8, never zero), responder SPI (8), next payload, version
// (major:minor nibbles: 1.0 for ISAKMP/IKEv1, 2.0 for IKEv2), exchange type, flags, message id,
// and the length of the whole message. On UDP 4500 an IKE message follows a 4-byte zero
// "non-ESP marker"; ESP packets there start with their (non-zero) SPI.

export const HEADER_LEN = 28;

export interface IkeHeader {
  version: 1 | 2;
  exchange: number;
  /** bytes the message takes */
  length: number;
  initiator: boolean;
}

/** IKEv1 exchange types (RFC 2408 §3.1, RFC 2409, RFC 3547 GDOI), IKEv2 (RFC 7296 §3.1, RFC 9370 intermediate) */
function knownExchange(version: number, x: number): boolean {
  if (version === 1) return (x >= 1 && x <= 5) || (x >= 32 && x <= 33) || x === 6;
  return x >= 34 && x <= 43;
}

/** The IKE header at `off`, if the bytes are one: `exact` asks that its length fill the buffer. */
export function readIke(data: Uint8Array, off: number, len: number, exact: boolean): IkeHeader | null {
  if (len < HEADER_LEN) return null;
  let spiZero = true;
  for (let i = 0; i < 8 && spiZero; i++) spiZero = data[off + i] === 0;
  if (spiZero) return null;
  const next = data[off + 16]!;
  const ver = data[off + 17]!;
  const version = ver === 0x10 ? 1 : ver === 0x20 ? 2 : 0;
  if (version === 0) return null;
  // IKEv1 payload types 0..20, 128+ private; IKEv2: 0 or 33 up (1..32 are IKEv1's; RFC 7296 §3.2:
  // types beyond those defined, and private use 128..255, are legal and skipped by receivers)
  if (version === 1 ? next > 20 && next < 128 : next !== 0 && next < 33) return null;
  const exchange = data[off + 18]!;
  if (!knownExchange(version, exchange)) return null;
  const length = ((data[off + 24]! << 24) | (data[off + 25]! << 16) | (data[off + 26]! << 8) | data[off + 27]!) >>> 0;
  if (length < HEADER_LEN || (exact ? length !== len : length > 65535)) return null;
  const flags = data[off + 19]!;
  const initiator = version === 2 ? (flags & 0x08) !== 0 : true;
  return { version, exchange, length, initiator };
}
