import { type FieldSpec, type FlowView, registerFlowFields } from '../../flow/schema.js';
import { protocolEntry } from '../api/catalog.js';
import { DPI_FIELD_GROUPS } from './registry.js';
import { Confidence, CONFIDENCE_NAMES } from './results.js';
import { RISKS } from '../api/risks.js';

// The identification fields of flow records, declared once like the core fields; each
// dissector's own fields follow (see Dissector.fields).

const results = (v: FlowView) => v.dpi;
const meta = (v: FlowView) => v.dpi?.meta[v.id];

const IDENTIFICATION_FIELDS: FieldSpec[] = [
  { name: 'protocol', type: 'string', nullable: true, description: 'the wire protocol (TLS, DNS, HTTP, QUIC…); null when unknown', get: (v) => { const r = results(v); const id = r?.protocol[v.id] ?? 0; return id ? protocolEntry(id).name : null; } },
  { name: 'application', type: 'string', nullable: true, description: 'the application or service over it (YouTube, WhatsApp…), null when none', get: (v) => { const id = results(v)?.application[v.id] ?? 0; return id ? protocolEntry(id).name : null; } },
  { name: 'category', type: 'string', nullable: true, description: 'category of the application, else of the protocol (Web, Streaming, VoIP, Chat, VPN…); else what a category model predicted', get: (v) => { const r = results(v); if (!r) return null; const id = r.application[v.id] || r.protocol[v.id]!; if (id) return protocolEntry(id).category; return r.confidence[v.id] === Confidence.Statistical ? meta(v)?.statistical?.label ?? null : null; } },
  { name: 'address_application', type: 'string', nullable: true, description: "whose the server's address is, from provider prefix lists or an earlier DNS answer (nDPI's \"IP\" match); set even when the payload named another application", get: (v) => { const id = results(v)?.addressOwner[v.id] ?? 0; return id ? protocolEntry(id).name : null; } },
  { name: 'confidence', type: 'string', nullable: false, description: 'how the most specific name was found: dpi (payload), statistical (a model of the flow\'s sizes, timing and payload signature; see statistical_label), socket-cache (another media flow of the same client socket was named by its payload: one call), dns-cache (an earlier DNS answer named the server), ip (address lists), port (a guess), unknown', get: (v) => CONFIDENCE_NAMES[results(v)?.confidence[v.id] ?? 0] },
  { name: 'statistical_label', type: 'string', nullable: true, description: "what the statistical model predicted (a protocol, application or category, as the model was trained), when it was confident; it names the flow (confidence 'statistical') only when nothing else did", get: (v) => meta(v)?.statistical?.label ?? null },
  { name: 'statistical_probability', type: 'double', nullable: true, description: "the model's probability for statistical_label", get: (v) => meta(v)?.statistical?.probability ?? null },
  { name: 'dpi_packets', type: 'int', nullable: false, description: 'packets of the flow seen when identification ended (the DPI cost of the flow)', get: (v) => results(v)?.dpiPackets[v.id] ?? 0 },
  { name: 'hostname', type: 'string', nullable: true, description: 'server name: TLS/QUIC SNI, HTTP Host, DNS query name…', get: (v) => meta(v)?.hostname ?? null },
  { name: 'ja4', type: 'string', nullable: true, description: "JA4 TLS client fingerprint (FoxIO's published method)", get: (v) => meta(v)?.ja4 ?? null },
  { name: 'ja3', type: 'string', nullable: true, description: 'JA3 TLS client fingerprint (MD5)', get: (v) => meta(v)?.ja3 ?? null },
  { name: 'ja3s', type: 'string', nullable: true, description: 'JA3S TLS server fingerprint (MD5)', get: (v) => meta(v)?.ja3s ?? null },
  { name: 'hassh', type: 'string', nullable: true, description: 'HASSH SSH client fingerprint', get: (v) => meta(v)?.hassh ?? null },
  { name: 'hassh_server', type: 'string', nullable: true, description: 'HASSH SSH server fingerprint', get: (v) => meta(v)?.hasshServer ?? null },
  { name: 'alpn', type: 'string[]', nullable: true, description: 'ALPN values offered by the client (TLS, QUIC)', get: (v) => meta(v)?.alpn ?? null },
  { name: 'risks', type: 'string[]', nullable: false, description: 'risk flags (see docs/flow-schema.md#risks)', get: (v) => (meta(v)?.risks ?? []).map((i) => RISKS[i]!.name) },
  { name: 'risk_info', type: 'string[]', nullable: false, description: "why each risk was flagged, in the order of risks ('' where there is nothing to add), like nDPI's risk explanations", get: (v) => [...(meta(v)?.riskInfo ?? [])] },
];

registerFlowFields(IDENTIFICATION_FIELDS);
registerFlowFields(DPI_FIELD_GROUPS.map((g) => ({
  name: g.dissector,
  type: 'object' as const,
  nullable: true,
  description: `what the ${g.dissector} dissector read: ${g.fields.map((f) => f.name).join(', ')} (see below)`,
  members: g.fields,
  get: (v: FlowView) => meta(v)?.fields[g.dissector] ?? null,
})));
