import { type Dissector, type RiskSpec } from './dissector.js';
import { DISSECTORS } from '../runtime/registry.js';

// Risk flags a flow can carry: name → (severity, description). The flags that several protocols
// raise, or that flows raise whatever their protocol, are declared here; a protocol's own flags
// are declared in its folder (Dissector.risks). Dissectors raise them by name with
// ctx.addRisk(name, info); an unknown name is a programming error caught by tests. The table's
// order (core first, then the folders in registry order) is the same on every thread.

export type { RiskSpec };

const CORE_RISKS: readonly RiskSpec[] = [
  { name: 'clear_text_credentials', severity: 'high', description: 'a user name and password sent without encryption', ndpi: 'Clear-Text Credentials' },
  { name: 'missing_sni', severity: 'medium', description: 'TLS without a server name', ndpi: 'Missing SNI TLS Extn' },
  { name: 'known_protocol_on_non_standard_port', severity: 'medium', description: 'a well-known protocol on a port it does not usually use', ndpi: 'Known Proto on Non Std Port' },
  { name: 'unidirectional_traffic', severity: 'low', description: 'packets flowed one way only', ndpi: 'Unidirectional Traffic' },
  { name: 'suspicious_entropy', severity: 'medium', description: 'the payload entropy is unusual for the protocol', ndpi: 'Suspicious Entropy' },
  { name: 'http_numeric_ip_host', severity: 'low', description: 'HTTP Host is a numeric address', ndpi: 'HTTP/TLS/QUIC Numeric Hostname/SNI' },
  { name: 'malformed_packet', severity: 'low', description: 'a packet the dissector could not parse', ndpi: 'Malformed Packet' },
  { name: 'desktop_or_file_sharing', severity: 'low', description: 'a remote desktop or file-sharing session', ndpi: 'Desktop/File Sharing' },
  { name: 'unsafe_protocol', severity: 'low', description: 'a protocol that is unsafe by design (telnet, rsh, …)', ndpi: 'Unsafe Protocol' },
  { name: 'possible_exploit', severity: 'high', description: 'a payload pattern used by known exploits', ndpi: 'Possible Exploit Detected' },
  { name: 'error_code', severity: 'low', description: 'the protocol reported an error (HTTP 4xx/5xx, DNS failure…)', ndpi: 'Error Code' },
  { name: 'statistical_mismatch', severity: 'low', description: "a confident statistical model names the flow otherwise than DPI did (analyze --statistical check)" },
  { name: 'anonymous_subscriber', severity: 'low', description: 'traffic through an anonymising network (Tor, …)', ndpi: 'Anonymous Subscriber' },
];

/** The core risks, then each dissector's own; a name declared twice is refused. */
export function buildRiskTable(dissectors: readonly Pick<Dissector, 'name' | 'risks'>[]): readonly RiskSpec[] {
  const all: RiskSpec[] = [...CORE_RISKS];
  const declaredBy = new Map<string, string>(CORE_RISKS.map((r) => [r.name, 'dpi/api/risks.ts']));
  for (const d of dissectors) {
    for (const r of d.risks ?? []) {
      const earlier = declaredBy.get(r.name);
      if (earlier !== undefined) throw new Error(`dpi/protocols/${d.name}: risk '${r.name}' is already declared by ${earlier}`);
      declaredBy.set(r.name, `dpi/protocols/${d.name}`);
      all.push(r);
    }
  }
  return all;
}

export const RISKS: readonly RiskSpec[] = buildRiskTable(DISSECTORS);

const byName = new Map(RISKS.map((r, i) => [r.name, i]));

export function riskIndex(name: string): number {
  const i = byName.get(name);
  if (i === undefined) throw new Error(`unknown risk '${name}' (declare it in the dissector's folder, or in src/dpi/api/risks.ts if several protocols raise it)`);
  return i;
}
