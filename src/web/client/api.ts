// The JSON API, read with the page's own credentials (a token, when the server needs one, is a cookie).

export class ApiError extends Error {}

export async function get<T>(path: string, query?: URLSearchParams): Promise<T> {
  const q = query?.toString();
  const res = await fetch(q ? `${path}?${q}` : path, { headers: { accept: 'application/json' } });
  const body = (await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }))) as { error?: string };
  if (!res.ok) throw new ApiError(body.error ?? `${res.status} ${res.statusText}`);
  return body as T;
}

export interface Summary {
  flows: number; packets: number; bytes: number; first_seen: number | null; last_seen: number | null;
  clients: number; servers: number; risky_flows: number; identified_bytes_share: number | null;
  identified_by: { confidence: string; flows: number; bytes: number }[];
}

export interface Timeline {
  by: string; metric: string; step: number | null; from: number | null; to: number | null;
  times: number[]; series: { name: string; values: number[] }[];
}

export interface NameRow { name: string; flows: number; packets: number; bytes: number }
export interface TalkerRow { address: string; flows: number; sent: number; received: number; bytes: number }
export interface PeerRow { address: string; flows: number; bytes: number }
export interface PortRow { l4: string; port: number; flows: number; bytes: number }
export interface RiskRow { risk: string; severity: 'low' | 'medium' | 'high' | null; description: string | null; flows: number; bytes: number }

export interface FlowRow {
  id: string; first_seen: number; last_seen: number; duration: number; l4: string; src: string; sport: number; dst: string; dport: number;
  protocol: string | null; application: string | null; category: string | null; hostname: string | null; confidence: string;
  packets: number; bytes: number; risks: string[];
}
export interface FlowPage { total: number; limit: number; offset: number; sort: string; order: string; flows: FlowRow[] }

export interface FlowDetail {
  flow: Record<string, unknown>;
  protocols: Record<string, Record<string, unknown>>;
  risks: { name: string; severity: string | null; description: string | null; reason: string | null }[];
  related: { client: string; server: string; same_client: number; same_server: number };
}

export interface AlertRow {
  id: string; run_id: string; kind: string; target: string; protocol: string | null; start: number; end: number;
  packets: number; bytes: number; peak_pps: number; peak_bps: number; sources: number; destinations: number; ports: number;
  top_sources: string[]; evidence: string; ongoing: boolean;
}

export interface RunRow { id: string; status: string; inputs: string[]; started_at: number; ended_at: number | null; packets: number | null; bytes: number | null; flows: number | null; flows_stored: number | null; probe: string | null }

export interface Options { applications: string[]; categories: string[]; protocols: string[]; l4: string[]; risks: { name: string; severity: string }[]; confidences: string[] }
