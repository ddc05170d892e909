import { FLOW_FIELDS, type FieldType, type FlowView } from '../flow/schema.js';

// The stored tables, derived from the flow record's field declarations (src/flow/schema.ts and
// every dissector's fields), never listed by hand: `flows` holds the scalar fields of each flow;
// each dissector object field (dns, tls, http, …) becomes a table of its own, with one row per
// flow that has it, joined by `flow_id`. Every store (DuckDB, ClickHouse) and every export reads
// this one description.

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

/** flows first, then one table per dissector object field, in declaration order */
export function storedTables(): TableDef[] {
  if (cached) return cached;
  const flows: TableDef = { name: 'flows', columns: [], source: null };
  const protocols: TableDef[] = [];
  for (const f of FLOW_FIELDS) {
    if (f.type !== 'object') {
      flows.columns.push({ name: f.name, kind: columnKind(f.type), nullable: f.nullable, description: f.description });
    } else if (f.members && f.members.length > 0) {
      protocols.push({
        name: f.name,
        source: f.name,
        columns: f.members.filter((m) => m.type !== 'object').map((m) => ({ name: m.name, kind: columnKind(m.type), nullable: true, description: m.description })),
      });
    }
  }
  cached = [flows, ...protocols];
  return cached;
}

/** The getters of the flows table's columns, in column order (values without building a record). */
export const flowColumnGetters = (): ((v: FlowView) => unknown)[] => FLOW_FIELDS.filter((f) => f.type !== 'object').map((f) => f.get);

/** dissector name (a flow record's object field) → its table's index in storedTables() */
export const tableIndexBySource = (): Map<string, number> => new Map(storedTables().map((t, i) => [t.source ?? '', i]));

/**
 * One flow as stored rows: `flows` values in column order (keys excluded), and for each
 * protocol table the flow has, its index in storedTables() and its values in column order.
 * Timestamps are seconds since the epoch (numbers); lists are arrays; absent values null.
 */
export interface FlowRows {
  flow: unknown[];
  protocols: { table: number; values: unknown[] }[];
}

export class FlowRowBuilder {
  private readonly tables = storedTables();
  private readonly getters = flowColumnGetters();
  private readonly tableOf = tableIndexBySource();

  rows(v: FlowView): FlowRows {
    const flow = this.getters.map((g) => g(v) ?? null);
    const protocols: FlowRows['protocols'] = [];
    // only the dissectors that wrote something for this flow (a handful of ~130)
    const fields = v.dpi?.meta[v.id]?.fields;
    if (fields) {
      for (const name in fields) {
        const i = this.tableOf.get(name);
        if (i === undefined || i === 0) continue;
        const o = fields[name]!;
        protocols.push({ table: i, values: this.tables[i]!.columns.map((c) => o[c.name] ?? null) });
      }
    }
    return { flow, protocols };
  }
}
