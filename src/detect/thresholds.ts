// What counts as an attack: absolute floors per kind (the defaults raise nothing on ordinary
// traffic: see README, "Flood and scan detection"), the adaptive part (a kind's threshold rises to
// `multiplier` × the link's usual heaviest rate), and the windows. A JSON file (--detect-config)
// and options (--threshold kind.key=value) override them; anything unknown is refused.

export interface Thresholds {
  /** the length of a detection window, seconds */
  windowS: number;
  /** scans are counted over this many seconds (they are slower than floods), checked every window */
  scanWindowS: number;
  /** windows without the condition before an alert ends */
  quietWindows: number;
  /** addresses tracked per window (destinations; sources for scans) */
  tableSize: number;
  adaptive: { multiplier: number; alpha: number };
  syn_flood: { pps: number; share: number };
  ack_flood: { pps: number; replyRatio: number };
  rst_flood: { pps: number; share: number };
  udp_flood: { pps: number; replyRatio: number };
  icmp_flood: { pps: number };
  fragment_flood: { pps: number; share: number };
  amplification: { pps: number; bps: number; sources: number; replyRatio: number };
  horizontal_scan: { destinations: number; maxPorts: number; answered: number };
  vertical_scan: { ports: number; maxDestinations: number; answered: number };
  traffic_spike: { bps: number; slack: number; cusum: number; warmupWindows: number };
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  windowS: 1,
  scanWindowS: 10,
  quietWindows: 3,
  tableSize: 256,
  adaptive: { multiplier: 4, alpha: 0.05 },
  syn_flood: { pps: 1000, share: 0.5 },
  ack_flood: { pps: 10_000, replyRatio: 0.25 },
  rst_flood: { pps: 1000, share: 0.5 },
  udp_flood: { pps: 10_000, replyRatio: 0.1 },
  icmp_flood: { pps: 1000 },
  fragment_flood: { pps: 1000, share: 0.5 },
  amplification: { pps: 1000, bps: 10e6, sources: 5, replyRatio: 0.1 },
  horizontal_scan: { destinations: 100, maxPorts: 3, answered: 0.3 },
  vertical_scan: { ports: 100, maxDestinations: 3, answered: 0.3 },
  traffic_spike: { bps: 300e6, slack: 4, cusum: 20, warmupWindows: 10 },
};

export class ThresholdError extends Error {}

export function cloneThresholds(t: Thresholds): Thresholds {
  return JSON.parse(JSON.stringify(t)) as Thresholds;
}

/** Sets one value by its path ('syn_flood.pps', 'windowS'); throws ThresholdError for an unknown path or a bad number. */
export function setThreshold(t: Thresholds, path: string, value: unknown): void {
  const parts = path.split('.');
  let node: Record<string, unknown> = t as unknown as Record<string, unknown>;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = node[parts[i]!];
    if (typeof next !== 'object' || next === null) throw new ThresholdError(`unknown threshold '${path}' (known: ${thresholdPaths().join(', ')})`);
    node = next as Record<string, unknown>;
  }
  const last = parts[parts.length - 1]!;
  if (typeof node[last] !== 'number') throw new ThresholdError(`unknown threshold '${path}' (known: ${thresholdPaths().join(', ')})`);
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw new ThresholdError(`threshold '${path}' needs a number ≥ 0, not '${String(value)}'`);
  node[last] = n;
}

/** Applies a parsed config file's object: nested like Thresholds, every leaf a number. */
export function applyThresholds(t: Thresholds, config: unknown, prefix = ''): void {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new ThresholdError(`${prefix || 'the detection config'} must be an object`);
  for (const [k, v] of Object.entries(config as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'object' && v !== null) applyThresholds(t, v, path);
    else setThreshold(t, path, v);
  }
  if (t.windowS <= 0 || t.scanWindowS < t.windowS || t.tableSize < 1) throw new ThresholdError('windowS must be > 0, scanWindowS ≥ windowS and tableSize ≥ 1');
}

export function thresholdPaths(t: Thresholds = DEFAULT_THRESHOLDS, prefix = ''): string[] {
  return Object.entries(t).flatMap(([k, v]) => (typeof v === 'object' ? thresholdPaths(v as Thresholds, `${prefix}${k}.`) : [`${prefix}${k}`]));
}
