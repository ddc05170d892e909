// DTLS record and handshake layers (RFC 6347 §4.1, §4.2.2; RFC 9147 §4, §5.2): a datagram holds
// one or more records (13-byte header: type, version, epoch, sequence number, length); handshake
// messages carry a 12-byte header (type, length, message_seq, fragment_offset, fragment_length)
// and may be fragmented over records and datagrams, in any order, possibly repeated.

export const DTLS_VERSIONS = [0xfeff, 0xfefd, 0xfefc] as const;
const RECORD_HEADER = 13;
const HS_HEADER = 12;
/** handshake messages larger than this are not reassembled */
const MAX_MESSAGE = 65536;
/** distinct messages tracked per direction */
const MAX_MESSAGES = 16;

export function isDtlsVersion(v: number): boolean {
  return v === 0xfeff || v === 0xfefd || v === 0xfefc;
}

/** a DTLS plaintext record header at d[i] (content type 20..25, a DTLS version) */
export function isDtlsRecord(d: Uint8Array, i: number, end: number): boolean {
  if (i + RECORD_HEADER > end) return false;
  const t = d[i]!;
  return t >= 20 && t <= 25 && isDtlsVersion((d[i + 1]! << 8) | d[i + 2]!);
}

interface Partial {
  type: number;
  seq: number;
  body: Uint8Array;
  /** one flag per byte received */
  have: Uint8Array;
  missing: number;
  done: boolean;
}

export interface DtlsMessage {
  type: number;
  body: Uint8Array;
}

export class DtlsReader {
  private partials: Partial[] = [];
  /** a record of another type than handshake in epoch 0, or any record in a later epoch */
  encrypted = false;
  applicationData = false;
  alert = false;
  /** records that did not parse */
  malformed = false;

  /** Reads one datagram; returns the handshake messages it completed. */
  feed(d: Uint8Array, off: number, len: number): DtlsMessage[] {
    const out: DtlsMessage[] = [];
    const end = Math.min(d.length, off + len);
    let i = off;
    while (i + RECORD_HEADER <= end) {
      if (!isDtlsRecord(d, i, end)) {
        this.malformed = true;
        break;
      }
      const type = d[i]!;
      const epoch = (d[i + 3]! << 8) | d[i + 4]!;
      const rlen = (d[i + 11]! << 8) | d[i + 12]!;
      const body = i + RECORD_HEADER;
      if (body + rlen > end) {
        this.malformed = true;
        break;
      }
      if (type === 20) this.encrypted = true;
      else if (type === 23) this.applicationData = true;
      else if (type === 21) this.alert = true;
      else if (type === 22 && epoch === 0) this.handshake(d, body, body + rlen, out);
      else if (type === 22) this.encrypted = true;
      i = body + rlen;
    }
    return out;
  }

  private handshake(d: Uint8Array, i: number, end: number, out: DtlsMessage[]): void {
    while (i + HS_HEADER <= end) {
      const type = d[i]!;
      const length = (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!;
      const seq = (d[i + 4]! << 8) | d[i + 5]!;
      const fragOff = (d[i + 6]! << 16) | (d[i + 7]! << 8) | d[i + 8]!;
      const fragLen = (d[i + 9]! << 16) | (d[i + 10]! << 8) | d[i + 11]!;
      const frag = i + HS_HEADER;
      if (frag + fragLen > end || fragOff + fragLen > length || length > MAX_MESSAGE) {
        this.malformed = true;
        return;
      }
      this.fragment(type, seq, length, fragOff, d.subarray(frag, frag + fragLen), out);
      i = frag + fragLen;
    }
  }

  private fragment(type: number, seq: number, length: number, fragOff: number, bytes: Uint8Array, out: DtlsMessage[]): void {
    let p = this.partials.find((x) => x.seq === seq && x.type === type);
    if (p && p.body.length !== length) return; // inconsistent length: ignore the fragment
    if (!p) {
      if (this.partials.length >= MAX_MESSAGES) return;
      p = { type, seq, body: new Uint8Array(length), have: new Uint8Array(length), missing: length, done: false };
      this.partials.push(p);
    }
    if (p.done) return; // a retransmission
    for (let k = 0; k < bytes.length; k++) {
      if (p.have[fragOff + k] === 0) {
        p.have[fragOff + k] = 1;
        p.body[fragOff + k] = bytes[k]!;
        p.missing--;
      }
    }
    if (p.missing === 0) {
      p.done = true;
      out.push({ type, body: p.body });
    }
  }
}
