import { ANOMALY_NAMES } from '../decode/anomaly.js';
import { FLOW_FIELDS } from '../flow/schema.js';
import '../dpi/index.js'; // registers the identification and per-protocol fields
import { RISKS } from '../dpi/api/risks.js';

// docs/flow-schema.md is generated from the field declarations (`npm run schema-doc`); a test
// fails when the committed document and the declarations drift apart.

export function schemaMarkdown(): string {
  const rows = FLOW_FIELDS.map((f) => `| \`${f.name}\` | ${f.type.replace('|', ' or ')}${f.nullable ? ' or null' : ''} | ${f.description.replace(/\|/g, '\\|')}${f.stored === 'features' ? ' (stored in flow_features, with --store-features)' : ''} |`);
  return `# Flow record schema

Generated from \`src/flow/schema.ts\` by \`npm run schema-doc\`; do not edit by hand.

One record per flow (per active-timeout period of a long flow), written by
\`sonde analyze --format jsonl\` as one JSON object per line. Fields keep this order. Later modules
(dissectors, classifiers, storage) extend this one list with \`registerFlowFields\`.

Conventions: a flow is keyed by (innermost VLAN id, L4 protocol, the two endpoints); \`c2s\` is
client to server, \`s2c\` server to client; times are capture time in seconds since the epoch
(microsecond precision); bytes are frame wire lengths (the capture record's original length).
Fragmented datagrams: the first fragment counts as the packet (it carries the ports); the other
fragments are counted in \`fragments_*\` / \`fragment_bytes_*\`; the payload is reassembled.
A frame whose IP header claims more bytes than the whole frame holds is malformed and kept out
of flows (anomaly \`ip_length_exceeds_capture\`); frames cut by the capture's snap length are
normal input and counted with their wire length.

In the DuckDB and ClickHouse stores the scalar fields are the columns of \`flows\`, except those
marked "stored in flow_features": the statistical features, stored only with \`--store-features\`,
in the table \`flow_features\` (one row per flow, joined by \`flow_id\`). Each object field below
is a table of its own.

| field | type | meaning |
|---|---|---|
${rows.join('\n')}

## Per-protocol fields

${FLOW_FIELDS.filter((f) => f.members).map((f) => `### \`${f.name}\`

| field | type | meaning |
|---|---|---|
${f.members!.map((m) => `| \`${f.name}.${m.name}\` | ${m.type} | ${m.description.replace(/\|/g, '\\|')} |`).join('\n')}
`).join('\n')}
## Anomalies

Malformed or unusual input never stops processing: it is counted under one of these names (shown
in the summary of \`sonde analyze\`) and, for packets that still belong to a flow, listed in the
flow's \`anomalies\` field.

${ANOMALY_NAMES.map((n) => `- \`${n}\``).join('\n')}

## Risks

Flags in the \`risks\` field: what DPI saw that an operator or defender may want to look at.

| risk | severity | meaning | nDPI's name |
|---|---|---|---|
${RISKS.map((r) => `| \`${r.name}\` | ${r.severity} | ${r.description} | ${r.ndpi ?? ''} |`).join('\n')}
`;
}
