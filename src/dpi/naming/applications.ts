import { readFileSync } from 'node:fs';
import { type Category, registerProtocol } from '../api/catalog.js';
import { DomainMatcher, Ipv4PrefixMatcher } from './hostnames.js';

// The application database: data/applications.tsv, one application per line:
//   name <TAB> nDPI name <TAB> category <TAB> domain suffixes (space separated) [<TAB> IPv4 prefixes]
// Lines starting with '#' are comments. Public knowledge of which names and networks a service
// uses; extend it by adding lines.

export interface ApplicationDatabase {
  domains: DomainMatcher;
  ipv4: Ipv4PrefixMatcher;
  applications: number;
}

export function parseApplications(text: string, source: string): ApplicationDatabase {
  const domains = new DomainMatcher();
  const ipv4 = new Ipv4PrefixMatcher();
  let applications = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    if (line === '' || line.startsWith('#')) return;
    const cols = line.split('\t');
    if (cols.length < 4) throw new Error(`${source}:${i + 1}: expected name, nDPI name, category, domains (tab separated)`);
    const [name, ndpi, category, domainList, prefixList] = cols as [string, string, string, string, string | undefined];
    let id: number;
    try {
      id = registerProtocol({ name, ndpi: ndpi === '-' ? null : ndpi || name, category: category as Category, kind: 'application' });
    } catch (e) {
      throw new Error(`${source}:${i + 1}: ${(e as Error).message}`);
    }
    applications++;
    for (const d of domainList.split(/\s+/)) if (d && d !== '-') domains.add(d, id);
    if (prefixList) for (const p of prefixList.split(/\s+/)) if (p) ipv4.add(p, id);
  });
  return { domains, ipv4, applications };
}

const DATA_FILE = new URL('../../../data/applications.tsv', import.meta.url);

export function loadApplications(): ApplicationDatabase {
  return parseApplications(readFileSync(DATA_FILE, 'utf8'), 'data/applications.tsv');
}
