import { type ProbeContext } from '../api/dissector.js';
import { u16be } from './text.js';

// ISO transport over TCP, shared by the protocols on TCP 102 (S7comm, S7CommPlus, MMS): RFC 1006
// TPKTs (version 3, reserved 0, a 16-bit length counting the 4-byte header) carrying ISO 8073
// class 0 COTP units (a length indicator, then the TPDU code: CR 0xE0, CC 0xD0, DT 0xF0, whose
// next byte holds the end-of-TSDU bit).

export const TPKT_VERSION = 3;
export const COTP_CR = 0xe0;
export const COTP_CC = 0xd0;
export const COTP_DT = 0xf0;
/** the smallest TPKT that holds a COTP unit: 4 header bytes, the length indicator, a TPDU code, one more */
const MIN_UNIT = 7;

export interface CotpUnit {
  /** the TPKT's whole length */
  size: number;
  /** TPDU code (high nibble of the second COTP byte) */
  code: number;
  /** COTP length indicator: the header bytes after it */
  li: number;
  /** DT only: this unit ends the TSDU */
  lastOfTsdu: boolean;
  /** where the user data starts: d[data .. at + size) */
  data: number;
}

/**
 * The TPKT with its COTP header at d[at..at+avail): 'more' when it is not all here yet, null when
 * the bytes are not one (a wrong version or reserved byte, a length that cannot hold COTP, or a
 * COTP header longer than its TPKT).
 */
export function readCotpUnit(d: Uint8Array, at: number, avail: number): CotpUnit | 'more' | null {
  if (avail < 1) return 'more';
  if (d[at] !== TPKT_VERSION || (avail >= 2 && d[at + 1] !== 0)) return null;
  if (avail < 4) return 'more';
  const size = u16be(d, at + 2);
  if (size < MIN_UNIT) return null;
  if (avail < size) return 'more';
  const li = d[at + 4]!;
  if (li < 2 || 5 + li > size) return null;
  const code = d[at + 5]! & 0xf0;
  return { size, code, li, lastOfTsdu: code === COTP_DT && (d[at + 6]! & 0x80) !== 0, data: at + 5 + li };
}

/** ISO-on-TCP's registered port */
export const ISO_TSAP_PORT = 102;

/** A probe for the protocols on port 102: a TPKT header there (TPKT also carries RDP elsewhere). */
export function probeIsoOnTcp(d: Uint8Array, off: number, len: number, ctx: ProbeContext): boolean {
  return (ctx.serverPort === ISO_TSAP_PORT || ctx.clientPort === ISO_TSAP_PORT) && d[off] === TPKT_VERSION && (len < 2 || d[off + 1] === 0);
}
