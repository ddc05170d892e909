import { FLOW_FIELDS, type FieldType, type FlowView } from '../flow/schema.js';

// The stored tables, derived from the flow record's field declarations (src/flow/schema.ts and
// every dissector's fields), never listed by hand: `flows` holds the scalar fields of each flow;
// `flow_features` the statistical features (distributions, first-packet vectors), filled only
// with --store-features because they are a third of what a flow costs to store; each dissector
// object field (dns, tls, http, …) becomes a table of its own, with one row per flow that has it,
// joined by `flow_id`. Every store (DuckDB, ClickHouse) and every export reads this one
// description.

/** value kinds a column can hold; each store maps them to its own SQL types */
export type ColumnKind = 'text' | 'int' | 'double' | 'timestamp' | 'bool' | 'text[]' | 'int[]' | 'double[]';

export interface ColumnDef {
  name: string;
  kind: ColumnKind;
  nullable: boolean;
  description: string;
}

export interface TableDef {
  /** `flows`, or the dissector's name (`dns`, `tls`, …) */
  name: string;
  /** the columns after the two keys every table starts with: run_id, flow_id */
  columns: ColumnDef[];
  /** protocol tables: the flow record field (an object) the rows come from */
  source: string | null;
}

/** one row per flow, written only with --store-features */
export const FEATURES_TABLE = 'flow_features';
/** flow_features' index in storedTables() */
export const FEATURES_INDEX = 1;

/** Key columns every table starts with. flow_id is unique in a store: run_id × 2^32 + n. */
export const KEY_COLUMNS: readonly ColumnDef[] = [
  { name: 'run_id', kind: 'int', nullable: false, description: 'the analyze run that wrote the row (see runs)' },
  { name: 'flow_id', kind: 'int', nullable: false, description: 'the flow, unique in the store: run_id × 2^32 + flow number in the run' },
];

function columnKind(t: FieldType): ColumnKind {
  switch (t) {
    case 'string':
    case 'string|int':
      return 'text';
    case 'int':
      return 'int';
    case 'double':
      return 'double';
    case 'timestamp':
      return 'timestamp';
    case 'bool':
      return 'bool';
    case 'string[]':
      return 'text[]';
    case 'int[]':
      return 'int[]';
    case 'double[]':
      return 'double[]';
    case 'object':
      throw new Error('an object field is a table, not a column');
  }
}

let cached: TableDef[] | null = null;

/** flows first, flow_features, then one table per dissector object field, in declaration order */
export function storedTables(): TableDef[] {
  if (cached) return cached;
  const flows: TableDef = { name: 'flows', columns: [], source: null };
  const features: TableDef = { name: FEATURES_TABLE, columns: [], source: null };
  const protocols: TableDef[] = [];
  for (const f of FLOW_FIELDS) {
    if (f.type !== 'object') {
      (f.stored === 'features' ? features : flows).columns.push({ name: f.name, kind: columnKind(f.type), nullable: f.nullable, description: f.description });
    } else if (f.members && f.members.length > 0) {
      protocols.push({
        name: f.name,
        source: f.name,
        columns: f.members.filter((m) => m.type !== 'object').map((m) => ({ name: m.name, kind: columnKind(m.type), nullable: true, description: m.description })),
      });
    }
  }
  cached = [flows, features, ...protocols];
  return cached;
}

/** The getters of the flows table's columns, in column order (values without building a record). */
export const flowColumnGetters = (): ((v: FlowView) => unknown)[] => FLOW_FIELDS.filter((f) => f.type !== 'object' && f.stored !== 'features').map((f) => f.get);

/** the scalar fields of a flow record in declaration order (flows' and flow_features' columns interleaved as in the records) */
export const recordFieldOrder = (): string[] => FLOW_FIELDS.filter((f) => f.type !== 'object').map((f) => f.name);

/** The getters of flow_features' columns, in column order. */
export const featureColumnGetters = (): ((v: FlowView) => unknown)[] => FLOW_FIELDS.filter((f) => f.type !== 'object' && f.stored === 'features').map((f) => f.get);

/** the protocol tables of storedTables() (those whose rows come from a dissector's object field) */
export const protocolTables = (): TableDef[] => storedTables().filter((t) => t.source !== null);

/** dissector name (a flow record's object field) → its table's index in storedTables() */
export const tableIndexBySource = (): Map<string, number> => new Map(storedTables().flatMap((t, i) => (t.source === null ? [] : [[t.source, i] as const])));

/**
 * One flow as stored rows: `flows` values in column order (keys excluded), and for each other
 * table the flow has a row in (flow_features with --store-features, the protocol tables), its
 * index in storedTables() and its values in column order.
 * Timestamps are seconds since the epoch (numbers); lists are arrays; absent values null.
 */
export interface FlowRows {
  flow: unknown[];
  protocols: { table: number; values: unknown[] }[];
}

export class FlowRowBuilder {
  private readonly tables = storedTables();
  private readonly getters = flowColumnGetters();
  private readonly featureGetters: ((v: FlowView) => unknown)[] | null;
  private readonly tableOf = tableIndexBySource();

  /** storeFeatures: also the flow_features row (--store-features) */
  constructor(storeFeatures = false) {
    this.featureGetters = storeFeatures ? featureColumnGetters() : null;
  }

  rows(v: FlowView): FlowRows {
    const flow = this.getters.map((g) => g(v) ?? null);
    const protocols: FlowRows['protocols'] = [];
    if (this.featureGetters) protocols.push({ table: FEATURES_INDEX, values: this.featureGetters.map((g) => g(v) ?? null) });
    // only the dissectors that wrote something for this flow (a handful of ~130)
    const fields = v.dpi?.meta[v.id]?.fields;
    if (fields) {
      for (const name in fields) {
        const i = this.tableOf.get(name);
        if (i === undefined) continue;
        const o = fields[name]!;
        protocols.push({ table: i, values: this.tables[i]!.columns.map((c) => o[c.name] ?? null) });
      }
    }
    return { flow, protocols };
  }
}
