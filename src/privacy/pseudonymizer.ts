// Pseudonyms for everything that leaves the engine under --pseudonymize: the flow's two addresses,
// every address literal inside its text fields (DNS answers, X-Forwarded-For, SDP, risk
// explanations, a Host header that is an address), alerts' targets, sources and evidence, and MAC
// addresses by a keyed hash. The engine itself works on the real addresses; the records, logs,
// stores and summaries only ever see the pseudonyms (see output-privacy.ts).

import { createHmac } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { type AlertRecord } from '../detect/alert.js';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../flow/address.js';
import { CryptoPan } from './cryptopan.js';

// candidates only: each match is checked by node:net before it is replaced
const MAC = /(?<![0-9A-Fa-f:-])[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}(?![0-9A-Fa-f:-])/g;
const IPV6_CANDIDATE = /(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?::\d{1,3}(?:\.\d{1,3}){3})?(?![\w:]|\.\d)/g;
// not after ':': the dotted end of an IPv4-mapped IPv6 address is part of that address
const IPV4_CANDIDATE = /(?<![\w.:])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)/g;

export class Pseudonymizer {
  private readonly pan: CryptoPan;
  private readonly macKey: Buffer;

  constructor(key: Uint8Array) {
    this.pan = new CryptoPan(key);
    // MACs are hashed under a key derived from, not equal to, the address key
    this.macKey = createHmac('sha256', key).update('sonde mac pseudonyms').digest();
  }

  ipv4(address: number): number {
    return this.pan.ipv4(address);
  }

  ipv6(address: Uint8Array): Uint8Array {
    return this.pan.ipv6(address);
  }

  /** the pseudonym of an address in text form; anything else unchanged */
  address(text: string): string {
    if (isIPv4(text)) return formatIpv4(this.pan.ipv4(parseIpv4(text)!));
    if (!isIPv6(text)) return text;
    const w = wordsOf(this.pan.ipv6(parseIpv6(text)!));
    return formatIpv6(w[0]!, w[1]!, w[2]!, w[3]!);
  }

  /** a 48-bit keyed hash, locally administered (bit 1 of the first byte), the group bit kept */
  mac(text: string, separator = ':'): string {
    const digest = createHmac('sha256', this.macKey).update(text.replace(/[:-]/g, '').toLowerCase()).digest();
    const group = parseInt(text.slice(0, 2), 16) & 1;
    digest[0] = (digest[0]! & 0xfc) | 0x02 | group;
    return [...digest.subarray(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join(separator);
  }

  /** every MAC and IP address literal in free text replaced by its pseudonym */
  text(s: string): string {
    if (s.length < 3) return s;
    let out = s;
    if (out.includes(':') || out.includes('-')) out = out.replace(MAC, (m, sep: string) => this.mac(m, sep));
    if (out.includes(':')) out = out.replace(IPV6_CANDIDATE, (m) => this.address(m));
    if (out.includes('.')) out = out.replace(IPV4_CANDIDATE, (m) => (isIPv4(m) ? this.address(m) : m));
    return out;
  }

  /** the flow key's two addresses (words 1–4 and 5–8, see key.ts), in place */
  key(keys: Uint32Array, at: number): void {
    const version = (keys[at]! >>> 8) & 0xff;
    for (const word of [at + 1, at + 5]) {
      if (version === 4) keys[word] = this.pan.ipv4(keys[word]!);
      else {
        const pseudonym = wordsOf(this.pan.ipv6(bytesOfWords(keys, word)));
        for (let i = 0; i < 4; i++) keys[word + i] = pseudonym[i]!;
      }
    }
  }

  alert(a: AlertRecord): AlertRecord {
    return { ...a, target: this.address(a.target), top_sources: a.top_sources.map((s) => this.address(s)), evidence: this.text(a.evidence) };
  }

}

function bytesOfWords(words: Uint32Array, at: number): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 4; i++) {
    const w = words[at + i]!;
    out[4 * i] = w >>> 24;
    out[4 * i + 1] = (w >>> 16) & 0xff;
    out[4 * i + 2] = (w >>> 8) & 0xff;
    out[4 * i + 3] = w & 0xff;
  }
  return out;
}

function wordsOf(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < 4; i++) out.push(((b[4 * i]! << 24) | (b[4 * i + 1]! << 16) | (b[4 * i + 2]! << 8) | b[4 * i + 3]!) >>> 0);
  return out;
}
