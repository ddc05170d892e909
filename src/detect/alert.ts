// An alert as it is written (JSON lines, the stores, the summary): one record per attack, which
// an ongoing attack keeps updating until it ends.

export const ALERT_KINDS = [
  'syn_flood', 'ack_flood', 'rst_flood', 'udp_flood', 'icmp_flood', 'fragment_flood', 'amplification',
  'horizontal_scan', 'vertical_scan', 'traffic_spike',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AlertRecord {
  kind: AlertKind;
  /** the victim's address; for scans, the scanner's */
  target: string;
  /** tcp, udp, icmp; for amplification the reflected protocol (DNS, NTP…) */
  protocol: string;
  /** ISO 8601 times like flow records: the first and last packet counted */
  start: string;
  end: string;
  /** packets and bytes counted in the alert's windows (for scans, the probes) */
  packets: number;
  bytes: number;
  /** the highest per-window rates */
  peak_pps: number;
  peak_bps: number;
  /** distinct sources (for scans, 1), destinations (for floods, 1) and ports: estimates */
  sources: number;
  destinations: number;
  ports: number;
  /** a few of the addresses that sent the most (the victim's peers; for scans, the scanned) */
  top_sources: string[];
  /** one line a person reads */
  evidence: string;
  /** the alert is still open (a record written as it starts) or has ended */
  ongoing: boolean;
}

export type AlertPhase = 'start' | 'end';
export type AlertHandler = (alert: AlertRecord, phase: AlertPhase) => void;

export const isoTime = (micros: number): string => new Date(Math.floor(micros / 1000)).toISOString().replace(/\.(\d{3})Z$/, (_, ms: string) => `.${ms}${String(Math.floor(micros % 1000)).padStart(3, '0')}Z`);

/** one line for a terminal (stderr in `sonde live`) */
export function alertLine(a: AlertRecord, phase: AlertPhase): string {
  const when = phase === 'start' ? `${a.start}` : `${a.start} – ${a.end}`;
  return `sonde: alert ${phase === 'start' ? 'started' : 'ended'}: ${a.kind} ${a.target} (${a.protocol}) ${when}: ${a.evidence}`;
}

/** the µs since the epoch of an isoTime() string (its six fraction digits kept) */
export function isoToMicros(iso: string): number {
  const m = /\.(\d{3})(\d{3})Z$/.exec(iso);
  return Date.parse(iso) * 1000 + (m ? Number(m[2]) : 0);
}

/** The alerts table: the record's fields, with start/end as start_time/end_time (END is an SQL keyword). */
export const ALERTS_DDL = `CREATE TABLE IF NOT EXISTS alerts (
  run_id BIGINT NOT NULL,
  alert_id BIGINT NOT NULL,
  kind VARCHAR NOT NULL,
  target VARCHAR NOT NULL,
  protocol VARCHAR,
  start_time TIMESTAMP NOT NULL,
  end_time TIMESTAMP NOT NULL,
  packets BIGINT,
  bytes BIGINT,
  peak_pps BIGINT,
  peak_bps BIGINT,
  sources BIGINT,
  destinations BIGINT,
  ports BIGINT,
  top_sources VARCHAR[],
  evidence VARCHAR,
  ongoing BOOLEAN
)`;
