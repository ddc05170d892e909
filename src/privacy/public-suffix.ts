// Registrable domains (the public suffix plus one label: www.bbc.co.uk → bbc.co.uk) by the Public
// Suffix List's algorithm (https://publicsuffix.org/list/): the longest matching rule wins, an
// exception rule (!) beats a wildcard (*), and a name no rule covers has its last label as suffix.

import { readFileSync } from 'node:fs';
import { domainToASCII } from 'node:url';

const DATA_FILE = new URL('../../data/public-suffixes.dat', import.meta.url);

export class PublicSuffixList {
  private readonly rules = new Set<string>();
  private readonly wildcards = new Set<string>();
  private readonly exceptions = new Set<string>();

  constructor(text: string) {
    for (const line of text.split('\n')) {
      const rule = line.trim();
      if (rule === '' || rule.startsWith('//')) continue;
      if (rule.startsWith('!')) this.exceptions.add(ascii(rule.slice(1)));
      else if (rule.startsWith('*.')) this.wildcards.add(ascii(rule.slice(2)));
      else this.rules.add(ascii(rule));
    }
  }

  /** the public suffix of a host name (lower case, no trailing dot) */
  publicSuffix(host: string): string {
    const labels = host.split('.');
    for (let i = 0; i < labels.length; i++) {
      const candidate = labels.slice(i).join('.');
      if (this.exceptions.has(candidate)) return labels.slice(i + 1).join('.');
      if (this.rules.has(candidate)) return candidate;
      if (i + 1 < labels.length && this.wildcards.has(labels.slice(i + 1).join('.'))) return candidate;
    }
    return labels[labels.length - 1]!;
  }

  /** the registrable domain of a host name; the name itself when it is a public suffix or has one label */
  registrableDomain(name: string): string {
    const host = name.toLowerCase().replace(/\.$/, '');
    if (!host.includes('.')) return host;
    const suffix = this.publicSuffix(host);
    if (suffix === host) return host;
    const rest = host.slice(0, host.length - suffix.length - 1);
    return `${rest.slice(rest.lastIndexOf('.') + 1)}.${suffix}`;
  }
}

function ascii(rule: string): string {
  return /^[\x00-\x7f]*$/.test(rule) ? rule : domainToASCII(rule) || rule;
}

let shipped: PublicSuffixList | null = null;
/** the list shipped in data/public-suffixes.dat, read once */
export function publicSuffixes(): PublicSuffixList {
  return (shipped ??= new PublicSuffixList(readFileSync(DATA_FILE, 'utf8')));
}
