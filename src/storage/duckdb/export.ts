import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { type DuckDBValue } from './duckdb-api.js';
import { recordQuery, StoreReader } from './reader.js';
import { quoteLiteral } from './store.js';

// `sonde export --format csv|parquet`: DuckDB writes the file itself. The SQL is sonde's own (the
// flow filter's values bound, its field names checked); the reader that runs it is locked down
// like any other, except that it may write the output file and a scratch folder of its own.

/** flows per parquet page (each page's nested rows fit a reader's memory) */
const PARQUET_PAGE_FLOWS = 16_384;
/**
 * DuckDB's parquet writer keeps a row group of every column in memory: with the protocol tables
 * nested that is a few hundred columns, so smaller groups and string dictionaries than its
 * defaults (122,880 rows, 1 MB) keep a page within a reader's memory.
 */
const PARQUET_OPTIONS = 'FORMAT parquet, ROW_GROUP_SIZE 8192, STRING_DICTIONARY_PAGE_SIZE_LIMIT 65536';

/** Writes the flows that pass `where` (over flows f) to `output`; returns how many. */
export async function copyFlows(db: string, format: 'csv' | 'parquet', where: string, values: DuckDBValue[], output: string): Promise<number> {
  const target = resolve(output);
  // DuckDB writes over an existing file through tmp_NAME beside it
  const files = [target, join(dirname(target), `tmp_${basename(target)}`)];
  if (format === 'csv') {
    const reader = await StoreReader.openForExport(db, { files });
    try {
      const r = await reader.query(`COPY (SELECT f.* FROM flows f WHERE ${where} ORDER BY f.flow_id) TO ${quoteLiteral(target)} (FORMAT csv, HEADER true)`, values);
      return Number(r.rows[0]?.[0] ?? 0);
    } finally {
      reader.close();
    }
  }
  const scratch = mkdtempSync(join(tmpdir(), 'sonde-export-'));
  const reader = await StoreReader.openForExport(db, { files, directories: [scratch] });
  try {
    const pages = await reader.flowPages(where, values, PARQUET_PAGE_FLOWS);
    const withFeatures = await reader.hasFeatures();
    if (pages.length <= 1) {
      const r = await reader.query(`COPY (${recordQuery(where, null, withFeatures)}) TO ${quoteLiteral(target)} (${PARQUET_OPTIONS})`, values);
      return Number(r.rows[0]?.[0] ?? 0);
    }
    // one query over the whole store holds every protocol table's rows at once: a page at a time
    // into files of their own, then those files, in order, into one
    const range = { lo: `$${values.length + 1}`, hi: `$${values.length + 2}` };
    const pageFiles: string[] = [];
    for (const [i, [first, last]] of pages.entries()) {
      const file = join(scratch, `page-${String(i).padStart(6, '0')}.parquet`);
      await reader.query(`COPY (${recordQuery(where, range, withFeatures)}) TO ${quoteLiteral(file)} (${PARQUET_OPTIONS})`, [...values, first, last]);
      pageFiles.push(file);
    }
    const r = await reader.query(`COPY (SELECT * FROM read_parquet([${pageFiles.map(quoteLiteral).join(', ')}])) TO ${quoteLiteral(target)} (${PARQUET_OPTIONS})`);
    return Number(r.rows[0]?.[0] ?? 0);
  } finally {
    reader.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

