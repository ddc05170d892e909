import { bindings as duckdb, DuckDBDataChunk, type DuckDBAppender, type DuckDBType, type Vector } from './duckdb-api.js';
import { type ColumnData, type ListColumn, type TableBatch, type TextColumn } from '../column-batch.js';
import { type ColumnKind } from '../tables.js';

// Writes rows of a column batch into DuckDB data chunks through the raw vector memory: numbers
// are laid out as int64/double/bool bytes in a reusable scratch buffer and copied into a vector
// in one call, strings go in from their UTF-8 bytes, so appending builds no JS value per cell
// (node-api's setColumnValues builds a BigInt per integer and caches every string, which made
// the store slower than the analysis).

/** rows per data chunk: DuckDB's vector size */
export const CHUNK_ROWS = 2048;

/** where a stored column's values come from */
export type ColumnSource =
  | { from: 'run_id' }
  | { from: 'flow_id' }
  /** a column of the batch table, of this kind */
  | { from: 'column'; index: number; kind: ColumnKind }
  /** a column of an older schema that sonde no longer writes: nulls (over zeroed values of this byte width) */
  | { from: 'none'; width: number };

const TWO_32 = 4294967296;

/** scratch memory for one chunk's column (largest case: 16-byte list entries) */
const scratch = new ArrayBuffer(CHUNK_ROWS * 16);
const scratchU32 = new Uint32Array(scratch);
const validity = new Uint8Array(CHUNK_ROWS / 8);
/** list children can be longer than a chunk: grown on demand */
let childScratch = new ArrayBuffer(CHUNK_ROWS * 8);

/** int64 little-endian halves of an integral double (two's complement for negatives) */
function putInt64(u32: Uint32Array, i: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  u32[2 * i] = v - hi * TWO_32;
  u32[2 * i + 1] = hi;
}

export class ChunkWriter {
  /**
   * One data chunk, reset and refilled for every append (the appender copies its rows): a new
   * chunk per append is native memory that only the JS garbage collector frees, and it does
   * not see it, so hundreds of megabytes of dead chunks piled up during a run.
   */
  private readonly chunk: DuckDBDataChunk;

  constructor(types: DuckDBType[], private readonly sources: ColumnSource[]) {
    this.chunk = DuckDBDataChunk.create(types);
  }

  /** Appends rows [start, start + count) of the batch table (count ≤ CHUNK_ROWS). */
  append(appender: DuckDBAppender, table: TableBatch, start: number, count: number, runId: number): void {
    const chunk = this.chunk;
    chunk.reset();
    chunk.rowCount = count;
    for (let c = 0; c < this.sources.length; c++) {
      const vector = duckdb.data_chunk_get_vector(chunk.chunk, c);
      const s = this.sources[c]!;
      switch (s.from) {
        case 'run_id':
          for (let i = 0; i < count; i++) putInt64(scratchU32, i, runId);
          duckdb.copy_data_to_vector(vector, 0, scratch, 0, count * 8);
          break;
        case 'flow_id':
          // run_id × 2^32 + n: above 2^53, so the halves are written directly
          for (let i = 0; i < count; i++) {
            scratchU32[2 * i] = table.flowNumbers[start + i]!;
            scratchU32[2 * i + 1] = runId;
          }
          duckdb.copy_data_to_vector(vector, 0, scratch, 0, count * 8);
          break;
        case 'none':
          new Uint8Array(scratch, 0, count * s.width).fill(0);
          duckdb.copy_data_to_vector(vector, 0, scratch, 0, count * s.width);
          validity.fill(0);
          writeValidity(vector, count);
          break;
        case 'column':
          writeColumn(vector, s.kind, table.columns[s.index]!, start, count);
          break;
      }
    }
    appender.appendDataChunk(chunk);
  }
}

function writeColumn(vector: Vector, kind: ColumnKind, data: ColumnData, start: number, count: number): void {
  validity.fill(0xff);
  let nulls = 0;
  if (data.type === 'number') {
    nulls = writeNumbers(vector, kind, data.values, start, count, scratch, validity);
  } else if (data.type === 'text') {
    nulls = writeTexts(vector, data, start, count, validity);
  } else {
    nulls = writeList(vector, kind, data, start, count);
  }
  if (nulls > 0) writeValidity(vector, count);
}

/**
 * Numbers [start, start + count) as the vector's physical type, laid out in `into`; nulls (NaN)
 * are cleared in `mask` when given. Returns how many were null.
 */
function writeNumbers(vector: Vector, kind: ColumnKind, src: Float64Array, start: number, count: number, into: ArrayBuffer, mask: Uint8Array | null): number {
  const u32 = new Uint32Array(into, 0, count * 2);
  const f64 = new Float64Array(into, 0, count);
  const u8 = new Uint8Array(into, 0, count);
  let nulls = 0;
  for (let i = 0; i < count; i++) {
    const v = src[start + i]!;
    if (v !== v) {
      if (mask) mask[i >> 3]! &= ~(1 << (i & 7));
      nulls++;
      if (kind === 'bool') u8[i] = 0;
      else f64[i] = 0;
      continue;
    }
    switch (kind) {
      case 'double':
      case 'double[]':
        f64[i] = v;
        break;
      case 'timestamp':
        putInt64(u32, i, Math.round(v * 1e6));
        break;
      case 'bool':
        u8[i] = v !== 0 ? 1 : 0;
        break;
      default:
        putInt64(u32, i, Math.trunc(v));
    }
  }
  duckdb.copy_data_to_vector(vector, 0, into, 0, kind === 'bool' ? count : count * 8);
  return nulls;
}

/** DuckDB's string_t: 16 bytes; strings of up to 12 bytes sit inside it after their length */
const STRING_T = 16;
const INLINE_MAX = 12;
let textScratch = new Uint8Array(CHUNK_ROWS * STRING_T);
let textScratch32 = new Uint32Array(textScratch.buffer);

/**
 * Strings [start, start + count) from their UTF-8 bytes; nulls cleared in `mask` when given.
 * Short strings (most of a flow's: addresses, names, states) are laid out as DuckDB string_t
 * values and copied in with the whole vector; only longer ones need a call each, because they
 * live in the vector's own string heap.
 */
function writeTexts(vector: Vector, data: TextColumn, start: number, count: number, mask: Uint8Array | null): number {
  if (textScratch.length < count * STRING_T) {
    textScratch = new Uint8Array(count * STRING_T * 2);
    textScratch32 = new Uint32Array(textScratch.buffer);
  }
  const out = textScratch;
  out.fill(0, 0, count * STRING_T);
  let nulls = 0;
  let long = 0;
  const { bytes, offsets, valid } = data;
  for (let i = 0; i < count; i++) {
    const r = start + i;
    // a null stays an empty string_t: list items have no validity of their own here
    if (valid[r] === 0) {
      nulls++;
      if (mask) mask[i >> 3]! &= ~(1 << (i & 7));
      continue;
    }
    const from = offsets[r]!;
    const length = offsets[r + 1]! - from;
    if (length > INLINE_MAX) {
      long++;
      continue;
    }
    textScratch32[i * 4] = length;
    const at = i * STRING_T + 4;
    for (let k = 0; k < length; k++) out[at + k] = bytes[from + k]!;
  }
  duckdb.copy_data_to_vector(vector, 0, out.buffer as ArrayBuffer, 0, count * STRING_T);
  for (let i = 0; long > 0 && i < count; i++) {
    const r = start + i;
    if (valid[r] === 0 || offsets[r + 1]! - offsets[r]! <= INLINE_MAX) continue;
    duckdb.vector_assign_string_element_len(vector, i, bytes.subarray(offsets[r]!, offsets[r + 1]!));
    long--;
  }
  return nulls;
}

/** A list column: entries (offset, length as two uint64) in the parent, the items in its child vector. */
function writeList(vector: Vector, kind: ColumnKind, data: ListColumn, start: number, count: number): number {
  const { offsets, valid } = data;
  const first = offsets[start]!;
  const total = offsets[start + count]! - first;
  let nulls = 0;
  for (let i = 0; i < count; i++) {
    const r = start + i;
    scratchU32[4 * i] = offsets[r]! - first;
    scratchU32[4 * i + 1] = 0;
    scratchU32[4 * i + 2] = offsets[r + 1]! - offsets[r]!;
    scratchU32[4 * i + 3] = 0;
    if (valid[r] === 0) {
      validity[i >> 3]! &= ~(1 << (i & 7));
      nulls++;
    }
  }
  duckdb.list_vector_reserve(vector, total);
  duckdb.list_vector_set_size(vector, total);
  const child = duckdb.list_vector_get_child(vector);
  const items = data.items;
  if (items.type === 'text') {
    // null items inside a list are not written by sonde's fields; they become empty strings
    writeTexts(child, items, first, total, null);
  } else if (total > 0) {
    if (childScratch.byteLength < total * 8) childScratch = new ArrayBuffer(total * 16);
    // the child's own validity is left all-valid: list items are never null (NaN is written as 0)
    writeNumbers(child, kind, items.values, first, total, childScratch, null);
  }
  duckdb.copy_data_to_vector(vector, 0, scratch, 0, count * 16);
  return nulls;
}
function writeValidity(vector: Vector, count: number): void {
  duckdb.vector_ensure_validity_writable(vector);
  // the mask is uint64 words; whole words of the chunk's rows
  duckdb.copy_data_to_vector_validity(vector, 0, validity.buffer, 0, Math.ceil(count / 64) * 8);
}
