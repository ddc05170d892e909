// SIP (RFC 3261 §7): a start line, "METHOD Request-URI SIP/2.0" or "SIP/2.0 Status-Code Reason",
// then header lines ending with a blank line. Only the start line and the User-Agent / Server
// headers are read: never addresses (From, To, Contact) nor message bodies.

const METHODS = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'REGISTER', 'OPTIONS', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'INFO', 'REFER', 'MESSAGE', 'UPDATE'];

export interface SipStart {
  method: string | null;
  status: number | null;
}

function line(data: Uint8Array, off: number, len: number): string | null {
  const end = off + Math.min(len, 1024);
  for (let i = off; i < end; i++) {
    const c = data[i]!;
    if (c === 0x0a) {
      const stop = i > off && data[i - 1] === 0x0d ? i - 1 : i;
      return String.fromCharCode(...data.subarray(off, stop));
    }
    if (c < 0x20 && c !== 0x0d && c !== 0x09) return null;
  }
  return null;
}

/** The start line of a SIP message at `off`, or null. */
export function readStart(data: Uint8Array, off: number, len: number): SipStart | null {
  const l = line(data, off, len);
  if (l === null) return null;
  const resp = /^SIP\/2\.0 ([1-6]\d\d)( |$)/.exec(l);
  if (resp) return { method: null, status: Number(resp[1]) };
  const sp = l.indexOf(' ');
  if (sp < 3) return null;
  const method = l.slice(0, sp);
  if (!METHODS.includes(method)) return null;
  if (!/^[A-Z]+ (sips?|tel|urn):\S+ SIP\/2\.0$/i.test(l)) return null;
  return { method, status: null };
}

/** Could `data` start a SIP message (a method name or "SIP/")? Cheap, for probe. */
export function mayStart(data: Uint8Array, off: number, len: number): boolean {
  if (len < 3) return false;
  const c = data[off]!;
  return c === 0x53 /* S: SIP/, SUBSCRIBE */ || c === 0x49 /* INVITE, INFO */ || c === 0x41 /* ACK */ || c === 0x42 /* BYE */ ||
    c === 0x43 /* CANCEL */ || c === 0x52 /* REGISTER, REFER */ || c === 0x4f /* OPTIONS */ || c === 0x50 /* PRACK, PUBLISH */ ||
    c === 0x4e /* NOTIFY */ || c === 0x4d /* MESSAGE */ || c === 0x55 /* UPDATE */;
}

/** A header's value from the message's header block (compact forms not needed for these). */
export function header(data: Uint8Array, off: number, len: number, name: string): string | null {
  const end = off + Math.min(len, 8192);
  const lower = name.toLowerCase();
  let start = off;
  for (let i = off; i < end; i++) {
    if (data[i] !== 0x0a) continue;
    const stop = i > start && data[i - 1] === 0x0d ? i - 1 : i;
    if (stop === start && start !== off) return null; // end of headers
    const l = String.fromCharCode(...data.subarray(start, Math.min(stop, start + 256)));
    const colon = l.indexOf(':');
    if (colon > 0 && l.slice(0, colon).trim().toLowerCase() === lower) return l.slice(colon + 1).trim().slice(0, 128);
    start = i + 1;
  }
  return null;
}
