import { DuckDBInstance } from '../storage/duckdb/duckdb-api.js';
import { quoteIdent } from '../storage/duckdb/store.js';

// Large stores made fast for memory tests and benchmarks: analyze a capture once, then copy its
// runs in SQL, each copy a new run (run_id + k) whose flows keep their numbers (flow_id + k × 2^32,
// the store's own id scheme), protocol rows included. Analyzing the same traffic again would give
// the same rows, only far slower.

const RUN_ID_STEP = 1n << 32n;

/**
 * Copies the store's runs, doubling it each time (the last copy cut short), until it holds at
 * least `targetFlows` flows. Returns the number of flows in the store.
 */
export async function copyRunsUntil(path: string, targetFlows: number): Promise<number> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    const one = async (sql: string): Promise<bigint> => BigInt((await connection.runAndReadAll(sql)).getRows()[0]![0] as bigint | number);
    let flows = Number(await one('SELECT count(*) FROM flows'));
    if (flows === 0) throw new Error(`${path} has no flows to copy`);
    const firstRun = await one('SELECT min(run_id) FROM runs');
    let lastRun = await one('SELECT max(run_id) FROM runs');
    // the flow tables: those keyed by flow_id (not runs, not alerts)
    const tables = (await connection.runAndReadAll("SELECT table_name FROM duckdb_columns() WHERE column_name = 'flow_id' AND schema_name = current_schema()")).getRows().map((r) => String(r[0]));
    while (flows < targetFlows) {
      const take = Math.min(flows, targetFlows - flows);
      const shift = lastRun - firstRun + 1n;
      // the copy's last flow: the take-th of the store, in flow_id order
      const lastFlow = await one(`SELECT flow_id FROM flows ORDER BY flow_id LIMIT 1 OFFSET ${take - 1}`);
      await connection.run('BEGIN TRANSACTION');
      await connection.run(`INSERT INTO runs SELECT * REPLACE (run_id + ${shift} AS run_id) FROM runs`);
      for (const t of tables) {
        await connection.run(
          `INSERT INTO ${quoteIdent(t)} SELECT * REPLACE (run_id + ${shift} AS run_id, flow_id + ${shift * RUN_ID_STEP} AS flow_id) FROM ${quoteIdent(t)} WHERE flow_id <= ${lastFlow}`,
        );
      }
      await connection.run('COMMIT');
      lastRun += shift;
      flows += take;
    }
    return flows;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
