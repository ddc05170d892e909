import { type FlowView } from '../flow/schema.js';
import { type ColumnKind, FEATURES_INDEX, featureColumnGetters, flowColumnGetters, storedTables, tableIndexBySource } from './tables.js';

// Flows gathered column by column for a columnar store (DuckDB), straight from the flow table,
// in typed arrays only: numbers in Float64Arrays, text as UTF-8 bytes with offsets, lists as
// offsets into a column of their items (the layout of Arrow). No value outlives the flow it came
// from as a JS object, so a batch of thousands of flows costs the garbage collector nothing.

/** numbers (int, double, timestamp in seconds, bool as 1/0); NaN is null */
export interface NumberColumn {
  type: 'number';
  values: Float64Array;
}

/** strings as UTF-8: row i is bytes[offsets[i], offsets[i + 1]); valid[i] = 0 is null */
export interface TextColumn {
  type: 'text';
  bytes: Uint8Array;
  offsets: Uint32Array;
  valid: Uint8Array;
}

/** lists: row i holds items [offsets[i], offsets[i + 1]); valid[i] = 0 is null */
export interface ListColumn {
  type: 'list';
  offsets: Uint32Array;
  valid: Uint8Array;
  items: NumberColumn | TextColumn;
}

export type ColumnData = NumberColumn | TextColumn | ListColumn;

export interface TableBatch {
  rows: number;
  /** per row: the flow's number in the run (flow_id = run_id × 2^32 + flow number) */
  flowNumbers: Float64Array;
  /** the table's columns (storedTables()[i].columns), keys excluded */
  columns: ColumnData[];
}

/** Flows in column form; tables[i] belongs to storedTables()[i], null when it has no rows. */
export interface ColumnBatch {
  flows: number;
  tables: (TableBatch | null)[];
}

const numberOf = (v: unknown): number =>
  typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'bigint' ? Number(v) : v === null || v === undefined ? NaN : Number(v);

const textOf = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));

function grownF64(a: Float64Array, size: number): Float64Array {
  const b = new Float64Array(Math.max(size, a.length * 2));
  b.set(a);
  return b;
}

function grownU32(a: Uint32Array, size: number): Uint32Array {
  const b = new Uint32Array(Math.max(size, a.length * 2));
  b.set(a);
  return b;
}

function grownU8(a: Uint8Array, size: number): Uint8Array {
  const b = new Uint8Array(Math.max(size, a.length * 2));
  b.set(a);
  return b;
}

const utf8 = new TextEncoder();

/** Appends values (numbers) one at a time. */
class NumberBuilder {
  values: Float64Array;
  length = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
  }

  push(v: number): void {
    if (this.length === this.values.length) this.values = grownF64(this.values, this.length + 1);
    this.values[this.length++] = v;
  }

  take(): NumberColumn {
    return { type: 'number', values: this.values };
  }
}

/** Appends strings (or nulls) one at a time as UTF-8. */
class TextBuilder {
  bytes: Uint8Array;
  offsets: Uint32Array;
  valid: Uint8Array;
  length = 0;
  private end = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity * 16);
    this.offsets = new Uint32Array(capacity + 1);
    this.valid = new Uint8Array(capacity);
  }

  push(s: string | null): void {
    if (this.length === this.valid.length) {
      this.valid = grownU8(this.valid, this.length + 1);
      this.offsets = grownU32(this.offsets, this.valid.length + 1);
    }
    if (s !== null) {
      // UTF-8 needs at most 3 bytes per UTF-16 unit
      if (this.end + 3 * s.length > this.bytes.length) this.bytes = grownU8(this.bytes, this.end + 3 * s.length);
      const bytes = this.bytes;
      let at = this.end;
      let i = 0;
      // ASCII, the usual case, without a call per string
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        bytes[at++] = c;
      }
      if (i < s.length) at += utf8.encodeInto(s.slice(i), bytes.subarray(at)).written;
      this.end = at;
    }
    this.valid[this.length] = s === null ? 0 : 1;
    this.offsets[++this.length] = this.end;
  }

  take(): TextColumn {
    return { type: 'text', bytes: this.bytes, offsets: this.offsets, valid: this.valid };
  }
}

/** Appends lists (or nulls) one at a time; their items go to a number or text builder. */
class ListBuilder {
  offsets: Uint32Array;
  valid: Uint8Array;
  length = 0;
  private readonly items: NumberBuilder | TextBuilder;

  constructor(private readonly ofText: boolean, capacity: number) {
    this.offsets = new Uint32Array(capacity + 1);
    this.valid = new Uint8Array(capacity);
    this.items = ofText ? new TextBuilder(capacity * 2) : new NumberBuilder(capacity * 4);
  }

  push(v: unknown): void {
    if (this.length === this.valid.length) {
      this.valid = grownU8(this.valid, this.length + 1);
      this.offsets = grownU32(this.offsets, this.valid.length + 1);
    }
    const list = Array.isArray(v) ? (v as unknown[]) : null;
    if (list) {
      if (this.ofText) for (const x of list) (this.items as TextBuilder).push(x === null || x === undefined ? null : textOf(x));
      else for (const x of list) (this.items as NumberBuilder).push(numberOf(x));
    }
    this.valid[this.length] = list ? 1 : 0;
    this.offsets[++this.length] = this.items.length;
  }

  take(): ListColumn {
    return { type: 'list', offsets: this.offsets, valid: this.valid, items: this.items.take() };
  }
}

const isNumeric = (k: ColumnKind): boolean => k === 'int' || k === 'double' || k === 'timestamp' || k === 'bool';

/** One table's rows gathered column-wise: numbers side by side (one capacity for all), text and list columns on their own. */
export class TableBuilder {
  rows = 0;
  private capacity: number;
  private flowNumbers: Float64Array;
  /** per column: its builder, or for numeric columns its index in `numbers` */
  private readonly numberColumns: number[] = [];
  private numbers: Float64Array[] = [];
  private readonly textColumns: number[] = [];
  private readonly texts: TextBuilder[] = [];
  private readonly listColumns: number[] = [];
  private readonly lists: ListBuilder[] = [];

  constructor(private readonly kinds: ColumnKind[], capacity: number) {
    this.capacity = capacity;
    this.flowNumbers = new Float64Array(capacity);
    kinds.forEach((k, c) => {
      if (isNumeric(k)) {
        this.numberColumns.push(c);
        this.numbers.push(new Float64Array(capacity));
      } else if (k === 'text') {
        this.textColumns.push(c);
        this.texts.push(new TextBuilder(capacity));
      } else {
        this.listColumns.push(c);
        this.lists.push(new ListBuilder(k === 'text[]', capacity));
      }
    });
  }

  /** one row: the flow number and the values of every column, in column order */
  push(flowNumber: number, row: readonly unknown[]): void {
    const r = this.rows;
    if (r === this.capacity) this.grow();
    this.flowNumbers[r] = flowNumber;
    for (let k = 0; k < this.numberColumns.length; k++) {
      const v = row[this.numberColumns[k]!];
      this.numbers[k]![r] = typeof v === 'number' ? v : numberOf(v);
    }
    for (let k = 0; k < this.textColumns.length; k++) {
      const v = row[this.textColumns[k]!];
      this.texts[k]!.push(typeof v === 'string' ? v : v === null || v === undefined ? null : textOf(v));
    }
    for (let k = 0; k < this.listColumns.length; k++) this.lists[k]!.push(row[this.listColumns[k]!]);
    this.rows++;
  }

  private grow(): void {
    this.capacity *= 2;
    this.flowNumbers = grownF64(this.flowNumbers, this.capacity);
    this.numbers = this.numbers.map((a) => grownF64(a, this.capacity));
  }

  take(): TableBatch {
    const columns: ColumnData[] = new Array<ColumnData>(this.kinds.length);
    this.numberColumns.forEach((c, k) => (columns[c] = { type: 'number', values: this.numbers[k]! }));
    this.textColumns.forEach((c, k) => (columns[c] = this.texts[k]!.take()));
    this.listColumns.forEach((c, k) => (columns[c] = this.lists[k]!.take()));
    return { rows: this.rows, flowNumbers: this.flowNumbers, columns };
  }
}

/** Gathers flows into ColumnBatches: add() each ended flow, take() a batch when full. */
export class ColumnBatchBuilder {
  private readonly tables = storedTables();
  private readonly getters = flowColumnGetters();
  private readonly tableOf = tableIndexBySource();
  /** flow_features' getters, with --store-features */
  private readonly featureGetters: ((v: FlowView) => unknown)[] | null;
  private builders: (TableBuilder | null)[] = [];
  flows = 0;

  /** storeFeatures: also the flow_features rows (--store-features) */
  constructor(private readonly batchFlows: number, storeFeatures = false) {
    this.featureGetters = storeFeatures ? featureColumnGetters() : null;
    this.reset();
  }

  private reset(): void {
    this.builders = this.tables.map((t, i) =>
      i === 0 || (i === FEATURES_INDEX && this.featureGetters) ? new TableBuilder(t.columns.map((c) => c.kind), this.batchFlows) : null,
    );
    this.flows = 0;
  }

  /** one row's values, reused from flow to flow (long enough for any table) */
  private readonly row: unknown[] = new Array<unknown>(Math.max(...this.tables.map((t) => t.columns.length))).fill(null);

  add(flowNumber: number, v: FlowView): void {
    const row = this.row;
    for (let c = 0; c < this.getters.length; c++) row[c] = this.getters[c]!(v);
    this.builders[0]!.push(flowNumber, row);
    this.flows++;
    const features = this.featureGetters;
    if (features) {
      for (let c = 0; c < features.length; c++) row[c] = features[c]!(v);
      this.builders[FEATURES_INDEX]!.push(flowNumber, row);
    }
    // only the dissectors that wrote something for this flow (a handful of ~130)
    const fields = v.dpi?.meta[v.id]?.fields;
    if (!fields) return;
    for (const name in fields) {
      const i = this.tableOf.get(name);
      if (i === undefined) continue;
      const columns = this.tables[i]!.columns;
      const o = fields[name]!;
      for (let c = 0; c < columns.length; c++) row[c] = o[columns[c]!.name];
      (this.builders[i] ??= new TableBuilder(columns.map((c) => c.kind), 64)).push(flowNumber, row);
    }
  }

  /** The flows gathered so far as a batch (null when none); the builder starts over. */
  take(): ColumnBatch | null {
    if (this.flows === 0) return null;
    const batch: ColumnBatch = { flows: this.flows, tables: this.builders.map((b) => b?.take() ?? null) };
    this.reset();
    return batch;
  }
}
