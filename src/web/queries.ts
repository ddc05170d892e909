import { FEATURES_TABLE } from '../storage/tables.js';
import { type Binder, type Dialect } from './dialect.js';
import { type FlowFilter, type Paging, type Severity, type SortKey } from './filters.js';

// The dashboard's questions, each one SQL statement (or two) written once over a Dialect, so the
// local DuckDB store and a ClickHouse cluster answer alike. Flows are placed in time by their
// first packet: a flow's bytes all count in the bucket where it began.

export type Row = Record<string, unknown>;

/** Runs SQL on a store and gives its rows as objects of plain values (numbers, strings, lists, null). */
export interface QueryBackend {
  readonly dialect: Dialect;
  rows(sql: string, values: (string | number | bigint)[]): Promise<Row[]>;
  /** the protocol tables that can hold rows (the others are skipped when a flow is opened) */
  protocolTables(): Promise<string[]>;
  /** a stored table's columns as the store has them; timestamp: a timestamp type, read with dialect.seconds(); list: an array */
  columns(table: string): Promise<{ name: string; timestamp: boolean; list: boolean }[]>;
  close(): Promise<void>;
}

export interface RiskInfo {
  name: string;
  severity: Severity;
  description: string;
}

/** the name the charts give a flow: its application, else its protocol, else 'unknown' */
export const APPLICATION_LABEL = "coalesce(application, protocol, 'unknown')";
const CATEGORY_LABEL = "coalesce(category, 'unknown')";
const BYTES = '(bytes_c2s + bytes_s2c)';
const PACKETS = '(packets_c2s + packets_s2c)';

const SORT_SQL: Record<SortKey, string> = {
  first_seen: 'first_seen', last_seen: 'last_seen', duration: 'duration', bytes: BYTES, packets: PACKETS,
  src: 'src', dst: 'dst', dport: 'dport', application: APPLICATION_LABEL, protocol: 'protocol', hostname: 'hostname',
};

export const TIMELINE_GROUPS = { application: APPLICATION_LABEL, category: CATEGORY_LABEL, confidence: 'confidence', protocol: "coalesce(protocol, 'unknown')" } as const;
export type TimelineGroup = keyof typeof TIMELINE_GROUPS;
export const METRICS = { bytes: `sum(${BYTES})`, packets: `sum(${PACKETS})`, flows: 'count(*)' } as const;
export type Metric = keyof typeof METRICS;

/** bucket widths a timeline chooses from, seconds */
const STEPS = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400, 30 * 86400];
/** about this many buckets across the range at most */
const TARGET_BUCKETS = 240;

export function timelineStep(from: number, to: number): number {
  const span = Math.max(1, to - from);
  return STEPS.find((s) => span / s <= TARGET_BUCKETS) ?? STEPS[STEPS.length - 1]!;
}

// An alias never takes a stored column's name in a query that filters: ClickHouse lets WHERE see
// SELECT's aliases, so `min(first_seen) AS first_seen` would turn the time filter into an aggregate.

export class DashboardQueries {
  private readonly d: Dialect;

  constructor(
    private readonly backend: QueryBackend,
    private readonly risks: readonly RiskInfo[],
  ) {
    this.d = backend.dialect;
  }

  /** the WHERE condition of the flows a filter selects */
  flowWhere(b: Binder, f: FlowFilter): string {
    const d = this.d;
    const c: string[] = [];
    if (f.from !== null) c.push(d.timeAtLeast(b, 'first_seen', f.from));
    if (f.to !== null) c.push(d.timeBefore(b, 'first_seen', f.to));
    const days = d.flowDays(b, f.from, f.to);
    if (days) c.push(days);
    if (f.application !== null) c.push(`${APPLICATION_LABEL} = ${b.value(f.application)}`);
    if (f.category !== null) c.push(`${CATEGORY_LABEL} = ${b.value(f.category)}`);
    if (f.protocol !== null) c.push(f.protocol === 'unknown' ? 'protocol IS NULL' : `protocol = ${b.value(f.protocol)}`);
    if (f.host !== null) {
      const h = b.value(f.host);
      const dotted = b.value(`.${f.host}`);
      c.push(`(hostname = ${h} OR ${d.endsWith('hostname', dotted)})`);
    }
    if (f.address !== null) {
      const a = b.value(f.address);
      c.push(`(src = ${a} OR dst = ${a})`);
    }
    if (f.client !== null) c.push(`src = ${b.value(f.client)}`);
    if (f.server !== null) c.push(`dst = ${b.value(f.server)}`);
    if (f.port !== null) {
      const p = b.value(f.port);
      c.push(`(sport = ${p} OR dport = ${p})`);
    }
    if (f.l4 !== null) c.push(`l4 = ${b.value(f.l4.toUpperCase())}`);
    if (f.risk !== null) c.push(d.listHas('risks', b.value(f.risk)));
    if (f.severity !== null) {
      const names = this.risks.filter((r) => r.severity === f.severity).map((r) => b.value(r.name));
      c.push(names.length ? d.listHasAny('risks', names) : '1 = 0');
    }
    if (f.confidence !== null) c.push(`confidence = ${b.value(f.confidence)}`);
    if (f.run !== null) c.push(`run_id = ${d.int64(b, f.run)}`);
    return c.length ? c.join(' AND ') : '1 = 1';
  }

  private async select(build: (b: Binder) => string | Promise<string>): Promise<Row[]> {
    const b = this.d.binder();
    const sql = await build(b);
    const rows = await this.backend.rows(sql, b.values);
    for (const r of rows) for (const k in r) r[k] = microRound(r[k]);
    return rows;
  }

  /** every stored column of a table, timestamps as seconds since the epoch (exact to the microsecond) */
  private async columnList(table: string): Promise<string> {
    const q = (n: string): string => `"${n.replace(/"/g, '""')}"`;
    const cols = await this.backend.columns(table);
    return cols.map((c) => (c.timestamp ? `${this.d.seconds(q(c.name))} AS ${q(c.name)}` : q(c.name))).join(', ');
  }

  async summary(f: FlowFilter): Promise<Row> {
    const d = this.d;
    const flows = d.table('flows');
    const [totals] = await this.select((b) => `SELECT count(*) AS flows, sum(${PACKETS}) AS packets, sum(${BYTES}) AS bytes,
      min(${d.seconds('first_seen')}) AS first_time, max(${d.seconds('last_seen')}) AS last_time,
      count(DISTINCT src) AS clients, count(DISTINCT dst) AS servers,
      sum(CASE WHEN length(risks) > 0 THEN 1 ELSE 0 END) AS risky_flows,
      sum(CASE WHEN application IS NOT NULL OR protocol IS NOT NULL THEN ${BYTES} ELSE 0 END) AS identified_bytes
      FROM ${flows} WHERE ${this.flowWhere(b, f)}`);
    const identified = await this.select((b) => `SELECT confidence, count(*) AS flows, sum(${BYTES}) AS bytes
      FROM ${flows} WHERE ${this.flowWhere(b, f)} GROUP BY confidence ORDER BY flows DESC, confidence`);
    const t = totals ?? {};
    const n = (k: string): number => Number(t[k] ?? 0);
    return {
      flows: n('flows'), packets: n('packets'), bytes: n('bytes'),
      first_seen: n('flows') > 0 ? t.first_time : null, last_seen: n('flows') > 0 ? t.last_time : null,
      clients: n('clients'), servers: n('servers'), risky_flows: n('risky_flows'),
      identified_bytes_share: n('bytes') > 0 ? n('identified_bytes') / n('bytes') : null,
      identified_by: identified.map((r) => ({ confidence: r.confidence, flows: Number(r.flows), bytes: Number(r.bytes ?? 0) })),
    };
  }

  /** the range of a filter: its own from/to, else the first and last flow it selects */
  private async range(f: FlowFilter): Promise<{ from: number; to: number } | null> {
    if (f.from !== null && f.to !== null) return { from: f.from, to: f.to };
    const [r] = await this.select((b) => `SELECT min(${this.d.seconds('first_seen')}) AS lo, max(${this.d.seconds('first_seen')}) AS hi, count(*) AS n FROM ${this.d.table('flows')} WHERE ${this.flowWhere(b, f)}`);
    if (!r || Number(r.n) === 0) return null;
    return { from: f.from ?? Number(r.lo), to: f.to ?? Number(r.hi) + 1 };
  }

  /**
   * Traffic over time: the `series` heaviest names of a grouping and 'other', one value per
   * bucket (0 where a name had none), buckets of a width chosen for the range.
   */
  async timeline(f: FlowFilter, by: TimelineGroup, metric: Metric, series: number): Promise<Row> {
    const range = await this.range(f);
    if (!range) return { by, metric, step: null, from: f.from, to: f.to, times: [], series: [] };
    const step = timelineStep(range.from, range.to);
    const label = TIMELINE_GROUPS[by];
    const value = METRICS[metric];
    const flows = this.d.table('flows');
    const top = await this.select((b) => `SELECT ${label} AS name, ${value} AS v FROM ${flows} WHERE ${this.flowWhere(b, f)} GROUP BY name ORDER BY v DESC, name LIMIT ${series + 1}`);
    // a name past the limit makes 'other' worth drawing; exactly `series` names need none
    const names = top.slice(0, top.length > series ? series : top.length).map((r) => String(r.name));
    const hasOther = top.length > series;
    const rows = await this.select((b) => {
      const where = this.flowWhere(b, f);
      const inTop = names.length ? `${label} IN (${names.map((n) => b.value(n)).join(', ')})` : '1 = 0';
      const bucket = `floor(${this.d.seconds('first_seen')} / ${step}) * ${step}`;
      return `SELECT ${bucket} AS t, CASE WHEN ${inTop} THEN ${label} ELSE NULL END AS name, ${value} AS v
        FROM ${flows} WHERE ${where} GROUP BY t, name`;
    });
    const first = Math.floor(range.from / step) * step;
    const count = Math.max(1, Math.ceil((range.to - first) / step));
    const times = Array.from({ length: count }, (_, i) => first + i * step);
    const index = new Map<string, number>(names.map((n, i) => [n, i]));
    const values = names.map(() => new Array<number>(count).fill(0));
    const other = new Array<number>(count).fill(0);
    for (const r of rows) {
      const i = Math.round((Number(r.t) - first) / step);
      if (i < 0 || i >= count) continue;
      // the names are never NULL (coalesced): NULL is everything outside the top
      const s = r.name === null ? other : values[index.get(String(r.name)) ?? -1];
      if (s) s[i] = (s[i] ?? 0) + Number(r.v ?? 0);
    }
    const out = names.map((name, i) => ({ name, values: values[i]! }));
    if (hasOther) out.push({ name: 'other', values: other });
    return { by, metric, step, from: range.from, to: range.to, times, series: out };
  }

  /** top names by bytes: applications, categories, protocols or hosts */
  async topNames(f: FlowFilter, what: 'applications' | 'categories' | 'protocols' | 'hosts', limit: number): Promise<Row[]> {
    const label = what === 'applications' ? APPLICATION_LABEL : what === 'categories' ? CATEGORY_LABEL : what === 'protocols' ? "coalesce(protocol, 'unknown')" : 'hostname';
    const extra = what === 'hosts' ? ' AND hostname IS NOT NULL' : '';
    const rows = await this.select((b) => `SELECT ${label} AS name, count(*) AS flows, sum(${PACKETS}) AS packets, sum(${BYTES}) AS bytes
      FROM ${this.d.table('flows')} WHERE ${this.flowWhere(b, f)}${extra} GROUP BY name ORDER BY bytes DESC, name LIMIT ${limit}`);
    return rows.map((r) => ({ name: r.name, flows: Number(r.flows), packets: Number(r.packets ?? 0), bytes: Number(r.bytes ?? 0) }));
  }

  /** addresses by bytes sent and received, either end of a flow */
  async topTalkers(f: FlowFilter, limit: number): Promise<Row[]> {
    const flows = this.d.table('flows');
    const rows = await this.select((b) => {
      const where = this.flowWhere(b, f);
      return `SELECT address, sum(out_bytes) AS sent, sum(in_bytes) AS received, sum(out_bytes + in_bytes) AS bytes, count(*) AS flows FROM (
        SELECT src AS address, bytes_c2s AS out_bytes, bytes_s2c AS in_bytes FROM ${flows} WHERE ${where}
        UNION ALL SELECT dst AS address, bytes_s2c AS out_bytes, bytes_c2s AS in_bytes FROM ${flows} WHERE ${where}
      ) AS ends GROUP BY address ORDER BY bytes DESC, address LIMIT ${limit}`;
    });
    return rows.map((r) => ({ address: r.address, flows: Number(r.flows), sent: Number(r.sent ?? 0), received: Number(r.received ?? 0), bytes: Number(r.bytes ?? 0) }));
  }

  /** the other ends of an address's flows (or the clients of a host name), by bytes */
  async topPeers(f: FlowFilter, limit: number): Promise<Row[]> {
    const rows = await this.select((b) => {
      const where = this.flowWhere(b, f);
      const peer = f.address !== null ? `CASE WHEN src = ${b.value(f.address)} THEN dst ELSE src END` : 'src';
      return `SELECT ${peer} AS address, count(*) AS flows, sum(${BYTES}) AS bytes FROM ${this.d.table('flows')} WHERE ${where}
        GROUP BY address ORDER BY bytes DESC, address LIMIT ${limit}`;
    });
    return rows.map((r) => ({ address: r.address, flows: Number(r.flows), bytes: Number(r.bytes ?? 0) }));
  }

  /** server ports (with their transport) by bytes */
  async topPorts(f: FlowFilter, limit: number): Promise<Row[]> {
    const rows = await this.select((b) => `SELECT l4, dport AS port, count(*) AS flows, sum(${BYTES}) AS bytes
      FROM ${this.d.table('flows')} WHERE ${this.flowWhere(b, f)} GROUP BY l4, port ORDER BY bytes DESC, l4, port LIMIT ${limit}`);
    return rows.map((r) => ({ l4: r.l4, port: Number(r.port), flows: Number(r.flows), bytes: Number(r.bytes ?? 0) }));
  }

  /** flows by risk, with each risk's severity, most flows first */
  async topRisks(f: FlowFilter, limit: number): Promise<Row[]> {
    const rows = await this.select((b) => `SELECT risk, count(*) AS flows, sum(flow_bytes) AS bytes FROM (
        SELECT ${this.d.unnest('risks')} AS risk, ${BYTES} AS flow_bytes FROM ${this.d.table('flows')} WHERE ${this.flowWhere(b, f)}
      ) AS r GROUP BY risk ORDER BY flows DESC, risk LIMIT ${limit}`);
    const byName = new Map(this.risks.map((r) => [r.name, r]));
    return rows.map((r) => {
      const spec = byName.get(String(r.risk));
      return { risk: r.risk, severity: spec?.severity ?? null, description: spec?.description ?? null, flows: Number(r.flows), bytes: Number(r.bytes ?? 0) };
    });
  }

  async flows(f: FlowFilter, p: Paging): Promise<Row> {
    const d = this.d;
    const flows = d.table('flows');
    const order = `${SORT_SQL[p.sort]} ${p.order.toUpperCase()}, flow_id ${p.order.toUpperCase()}`;
    const [count] = await this.select((b) => `SELECT count(*) AS n FROM ${flows} WHERE ${this.flowWhere(b, f)}`);
    // the page's ids first, sorting only the key and the id (a deep page of a million flows sorted
    // with every shown column took ~1 s), then their columns
    const ids = (await this.select((b) => `SELECT ${d.idText('flow_id')} AS id FROM ${flows} WHERE ${this.flowWhere(b, f)} ORDER BY ${order} LIMIT ${p.limit} OFFSET ${p.offset}`)).map((r) => String(r.id));
    let rows: Row[] = [];
    if (ids.length) {
      const fetched = await this.select((b) => `SELECT ${d.idText('flow_id')} AS id, ${d.seconds('first_seen')} AS first_seen, ${d.seconds('last_seen')} AS last_seen, duration,
        l4, src, sport, dst, dport, protocol, application, category, hostname, confidence, ${PACKETS} AS packets, ${BYTES} AS bytes, risks
        FROM ${flows} WHERE flow_id IN (${ids.map((id) => d.int64(b, id)).join(', ')})${this.daysOf(b, f)}`);
      const byId = new Map(fetched.map((r) => [String(r.id), r]));
      rows = ids.map((id) => byId.get(id)).filter((r): r is Row => r !== undefined);
    }
    return { total: Number(count?.n ?? 0), limit: p.limit, offset: p.offset, sort: p.sort, order: p.order, flows: rows };
  }

  /** the filter's day partitions again (ClickHouse), so fetching ids reads only those days */
  private daysOf(b: Binder, f: FlowFilter): string {
    const days = this.d.flowDays(b, f.from, f.to);
    return days ? ` AND ${days}` : '';
  }

  /** One flow: every stored field, its protocols' fields, its risks explained, how many flows share its client and server. */
  async flow(id: string): Promise<Row | null> {
    const d = this.d;
    const [flow] = await this.select(async (b) => `SELECT ${await this.columnList('flows')} FROM ${d.table('flows')} WHERE flow_id = ${d.int64(b, id)} LIMIT 1`);
    if (!flow) return null;
    // ClickHouse has no NULL list (an absent list is stored as []): both show []
    const lists = new Set((await this.backend.columns('flows')).filter((c) => c.list).map((c) => c.name));
    const record: Row = {};
    for (const [k, v] of Object.entries(flow)) if (!HOUSEKEEPING.has(k)) record[k] = v === null && lists.has(k) ? [] : v;
    record.flow_id = id;
    record.run_id = String(flow.run_id);
    // the statistical features: in flow_features when the run stored them (--store-features)
    const features = (await this.backend.columns(FEATURES_TABLE)).filter((c) => c.name !== 'run_id' && c.name !== 'flow_id' && !HOUSEKEEPING.has(c.name));
    if (features.length > 0) {
      const [row] = await this.select(async (b) => `SELECT ${await this.columnList(FEATURES_TABLE)} FROM ${d.table(FEATURES_TABLE)} WHERE flow_id = ${d.int64(b, id)} LIMIT 1`);
      if (row) for (const c of features) record[c.name] = row[c.name];
    }
    const protocols: Row = {};
    const tables = await this.backend.protocolTables();
    if (tables.length) {
      const hits = await this.select((b) => {
        const key = d.int64(b, id);
        return tables.map((t) => `SELECT ${d.textValue(b, t)} AS t FROM ${d.table(t)} WHERE flow_id = ${key}`).join(' UNION ALL ');
      });
      for (const t of [...new Set(hits.map((h) => String(h.t)))].sort()) {
        const [row] = await this.select(async (b) => `SELECT ${await this.columnList(t)} FROM ${d.table(t)} WHERE flow_id = ${d.int64(b, id)} LIMIT 1`);
        if (!row) continue;
        const o: Row = {};
        for (const [k, v] of Object.entries(row)) if (k !== 'run_id' && k !== 'flow_id' && !HOUSEKEEPING.has(k) && v !== null) o[k] = v;
        protocols[t] = o;
      }
    }
    const byName = new Map(this.risks.map((r) => [r.name, r]));
    const riskNames = (flow.risks as string[] | null) ?? [];
    const infos = (flow.risk_info as string[] | null) ?? [];
    const risks = riskNames.map((name, i) => ({ name, severity: byName.get(name)?.severity ?? null, description: byName.get(name)?.description ?? null, reason: infos[i] || null }));
    const [related] = await this.select((b) => {
      const c = b.value(String(flow.src));
      const s = b.value(String(flow.dst));
      return `SELECT sum(CASE WHEN src = ${c} THEN 1 ELSE 0 END) AS same_client, sum(CASE WHEN dst = ${s} THEN 1 ELSE 0 END) AS same_server FROM ${d.table('flows')} WHERE src = ${c} OR dst = ${s}`;
    });
    return {
      flow: record,
      protocols,
      risks,
      related: { client: flow.src, server: flow.dst, same_client: Number(related?.same_client ?? 0) - 1, same_server: Number(related?.same_server ?? 0) - 1 },
    };
  }

  /** flood and scan alerts that overlap the range, newest first; an address filter matches the target or a top source */
  async alerts(f: FlowFilter, limit: number): Promise<Row[]> {
    const d = this.d;
    const rows = await this.select((b) => {
      const c: string[] = [];
      if (f.from !== null) c.push(d.timeAtLeast(b, 'end_time', f.from));
      if (f.to !== null) c.push(d.timeBefore(b, 'start_time', f.to));
      if (f.address !== null) {
        const a = b.value(f.address);
        c.push(`(target = ${a} OR ${d.listHas('top_sources', a)})`);
      }
      if (f.run !== null) c.push(`run_id = ${d.int64(b, f.run)}`);
      return `SELECT ${d.idText('alert_id')} AS id, ${d.idText('run_id')} AS run_id, kind, target, protocol, ${d.seconds('start_time')} AS start, ${d.seconds('end_time')} AS "end",
        packets, bytes, peak_pps, peak_bps, sources, destinations, ports, top_sources, evidence, ongoing
        FROM ${d.alertsSource()} AS a WHERE ${c.length ? c.join(' AND ') : '1 = 1'} ORDER BY start DESC, id LIMIT ${limit}`;
    });
    return rows.map((r) => ({ ...r, ongoing: r.ongoing === true || Number(r.ongoing) === 1 }));
  }

  /** the analyze and live runs that wrote the store, newest first */
  async runs(f: FlowFilter, limit: number): Promise<Row[]> {
    const d = this.d;
    const clickhouse = d.name === 'clickhouse';
    const rows = await this.select((b) => {
      const c: string[] = [];
      if (f.to !== null) c.push(d.timeBefore(b, 'started_at', f.to));
      // a run still writing (no end) overlaps any later range
      if (f.from !== null) c.push(`(ended_at IS NULL OR ${d.timeAtLeast(b, 'ended_at', f.from)})`);
      if (f.run !== null) c.push(`run_id = ${d.int64(b, f.run)}`);
      const stored = clickhouse ? 'flows - flows_spooled' : 'flows_stored';
      return `SELECT ${d.idText('run_id')} AS id, status, inputs, ${d.seconds('started_at')} AS started_at, ${d.seconds('ended_at')} AS ended_at,
        packets, bytes, flows, ${stored} AS flows_stored, sonde_version, probe
        FROM ${d.runsSource()} AS r WHERE ${c.length ? c.join(' AND ') : '1 = 1'} ORDER BY started_at DESC, id LIMIT ${limit}`;
    });
    return rows;
  }

  /** names a filter can take, from the flows in the range: for the dashboard's pickers */
  async options(f: FlowFilter): Promise<Row> {
    const flows = this.d.table('flows');
    const names = async (label: string): Promise<string[]> =>
      (await this.select((b) => `SELECT ${label} AS name, count(*) AS n FROM ${flows} WHERE ${this.flowWhere(b, f)} GROUP BY name ORDER BY n DESC, name LIMIT 500`)).map((r) => String(r.name));
    return {
      applications: await names(APPLICATION_LABEL),
      categories: await names(CATEGORY_LABEL),
      protocols: await names("coalesce(protocol, 'unknown')"),
      l4: await names('l4'),
      risks: this.risks.map((r) => ({ name: r.name, severity: r.severity })),
      confidences: (await names('confidence')),
    };
  }
}

/**
 * Fractions to the microsecond, the precision of every time sonde records. ClickHouse 18.16 reads
 * decimal text into a double that can be one unit in the last place off the nearest (3.168531 is
 * stored as 3.1685309999999998); rounded, both back ends give the same number.
 */
function microRound(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) || !Number.isFinite(v) ? v : Math.round(v * 1e6) / 1e6;
  if (Array.isArray(v)) return v.map(microRound);
  return v;
}

/** ClickHouse's own columns on every row, never a flow field */
const HOUSEKEEPING = new Set(['probe', 'day', 'ts', 'batch_id']);
