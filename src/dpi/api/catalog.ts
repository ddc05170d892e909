// Every protocol and application sonde can name, with numeric ids assigned at load. Dissectors
// declare the protocols they name; the application database (data/applications.tsv) declares
// the applications it names. `sonde protocols` lists this catalog.

export const CATEGORIES = [
  'Unspecified', 'Web', 'Media', 'Streaming', 'Video', 'Music', 'VoIP', 'Chat', 'Email', 'SocialNetwork',
  'Network', 'System', 'RPC', 'VPN', 'RemoteAccess', 'DataTransfer', 'Download', 'FileSharing', 'P2P', 'Game',
  'Cloud', 'Collaborative', 'Productivity', 'Database', 'IoT-Scada', 'SoftwareUpdate', 'ConnCheck', 'Shopping',
  'Advertisement', 'Mining', 'Malware', 'Crypto_Currency', 'Cybersecurity', 'VirtAssistant', 'Health', 'Finance',
  'News', 'Travel', 'Education', 'Government', 'Content_Delivery', 'AdultContent', 'Gambling', 'ArtifIntelligence',
] as const;

export type Category = (typeof CATEGORIES)[number];

export interface ProtocolSpec {
  /** sonde's name, as output in `protocol` / `application` */
  name: string;
  /**
   * the name nDPI uses for it, when different (so nDPI and ntopng users can compare); null when
   * nDPI has no name for it (nDPI then shows the protocol under it)
   */
  ndpi?: string | null;
  category: Category;
  /** a wire protocol (TLS, DNS) or an application/service seen through one (YouTube, WhatsApp) */
  kind: 'protocol' | 'application';
  tcpPorts?: readonly number[];
  udpPorts?: readonly number[];
  description?: string;
  /**
   * Applications its flows belong to when nothing in them names one but the server's address does
   * (DNS answers seen, provider prefixes): the address owner's name → the application's. A STUN
   * flow to Google's servers is a Google Meet call; a TLS flow to Google's is not named this way,
   * as nDPI does not either (the owner goes to `address_application`).
   */
  byAddress?: Readonly<Record<string, string>>;
}

export interface CatalogEntry extends Required<Omit<ProtocolSpec, 'description' | 'byAddress' | 'ndpi'>> {
  ndpi: string | null;
  byAddress: Readonly<Record<string, string>>;
  id: number;
  description: string;
}

/** id 0 is "no protocol" */
const entries: CatalogEntry[] = [{ id: 0, name: 'Unknown', ndpi: 'Unknown', category: 'Unspecified', kind: 'protocol', tcpPorts: [], udpPorts: [], description: '', byAddress: {} }];
const byName = new Map<string, number>([['unknown', 0]]);

/** Adds a protocol or application (or returns the id it already has, when declared the same way). */
export function registerProtocol(spec: ProtocolSpec): number {
  if (!(CATEGORIES as readonly string[]).includes(spec.category)) {
    throw new Error(`protocol '${spec.name}': unknown category '${spec.category}'`);
  }
  const key = spec.name.toLowerCase();
  const existing = byName.get(key);
  if (existing !== undefined) {
    const e = entries[existing]!;
    // ports may be declared by a dissector and an application file alike: keep the union
    e.tcpPorts = [...new Set([...e.tcpPorts, ...(spec.tcpPorts ?? [])])];
    e.udpPorts = [...new Set([...e.udpPorts, ...(spec.udpPorts ?? [])])];
    if (spec.byAddress) e.byAddress = { ...e.byAddress, ...spec.byAddress };
    return existing;
  }
  const id = entries.length;
  entries.push({
    id, name: spec.name, ndpi: spec.ndpi === undefined ? spec.name : spec.ndpi, category: spec.category, kind: spec.kind,
    tcpPorts: spec.tcpPorts ?? [], udpPorts: spec.udpPorts ?? [], description: spec.description ?? '',
    byAddress: spec.byAddress ?? {},
  });
  byName.set(key, id);
  return id;
}

export function protocolId(name: string): number {
  const id = byName.get(name.toLowerCase());
  if (id === undefined) throw new Error(`no protocol named '${name}' in the catalog`);
  return id;
}

export function findProtocol(name: string): number | undefined {
  return byName.get(name.toLowerCase());
}

export function protocolEntry(id: number): CatalogEntry {
  return entries[id] ?? entries[0]!;
}

export function allProtocols(): readonly CatalogEntry[] {
  return entries.slice(1);
}

/** The catalog in id order, as plain data: another thread rebuilds it with adoptCatalog(). */
export function catalogSpecs(): ProtocolSpec[] {
  return entries.slice(1).map(({ id: _id, ...spec }) => spec);
}

/**
 * Registers another thread's catalog (catalogSpecs()) so that ids mean the same here; throws when
 * they cannot (the threads declared protocols in different orders).
 */
export function adoptCatalog(specs: readonly ProtocolSpec[]): void {
  specs.forEach((spec, i) => {
    const id = registerProtocol(spec);
    if (id !== i + 1) throw new Error(`protocol '${spec.name}' has id ${id} here but ${i + 1} in the analysis: the catalogs differ`);
  });
}
