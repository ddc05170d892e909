import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { type ColumnBatch, TableBuilder } from '../column-batch.js';
import { type ColumnKind, type TableDef } from '../tables.js';
import { DuckDbStore } from './store.js';

// Values written through the raw vector memory (chunk-writer.ts) come back from DuckDB unchanged:
// strings around the 12 bytes DuckDB keeps inline, non-ASCII and NUL, big and negative integers,
// nulls in every kind, lists longer than a data chunk, tables of several chunks, and a column of
// an older schema that sonde no longer writes.

const dir = mkdtempSync(join(tmpdir(), 'sonde-chunks-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const KINDS: [string, ColumnKind][] = [
  ['name', 'text'], ['count', 'int'], ['ratio', 'double'], ['seen', 'timestamp'], ['ok', 'bool'],
  ['names', 'text[]'], ['sizes', 'int[]'], ['gaps', 'double[]'],
];
const TABLES: TableDef[] = [
  { name: 'flows', source: null, columns: KINDS.map(([name, kind]) => ({ name, kind, nullable: true, description: name })) },
  { name: 'extra', source: 'extra', columns: [{ name: 'note', kind: 'text', nullable: true, description: 'note' }] },
];

const STRINGS = ['', 'a', 'exactly12byt', 'thirteen13byt', 'é', 'café au lait, très long', '🦆 duck', 'nul\u0000inside', "quote ' and \" and \\", 'x'.repeat(300)];

/** row i of the test table: every kind, with nulls at different rates per column */
function row(i: number): unknown[] {
  return [
    i % 11 === 0 ? null : STRINGS[i % STRINGS.length]!,
    i % 13 === 0 ? null : [0, -1, 2 ** 53 - 1, -(2 ** 40), i][i % 5]!,
    i % 17 === 0 ? null : [0.5, -1e300, 1 / 3, i][i % 4]!,
    i % 19 === 0 ? null : 1_700_000_000.123456 + i,
    i % 23 === 0 ? null : i % 2 === 0,
    i % 29 === 0 ? null : i === 7 ? STRINGS : STRINGS.slice(0, i % 4),
    i % 31 === 0 ? null : i === 5 ? Array.from({ length: 3000 }, (_, k) => k - 1500) : [i, -i],
    i % 37 === 0 ? null : i % 3 === 0 ? [] : [i / 7],
  ];
}

/** what DuckDB gives back for row i (timestamps as microseconds since the epoch, ints as bigint) */
function expected(i: number): unknown[] {
  const r = row(i);
  return [
    r[0],
    r[1] === null ? null : BigInt(r[1] as number),
    r[2],
    r[3] === null ? null : BigInt(Math.round((r[3] as number) * 1e6)),
    r[4],
    r[5],
    r[6] === null ? null : (r[6] as number[]).map(BigInt),
    r[7],
  ];
}

test('the chunk writer stores every kind of value exactly, over several chunks', async () => {
  const path = join(dir, 'kinds.duckdb');
  // an older store: a column sonde no longer writes, which must read back null
  {
    const db = await DuckDBInstance.create(path);
    const c = await db.connect();
    await c.run('CREATE TABLE flows (run_id BIGINT, flow_id BIGINT, retired VARCHAR[], name VARCHAR)');
    c.closeSync();
    db.closeSync();
  }
  const rows = 5000;
  const flows = new TableBuilder(KINDS.map(([, k]) => k), 16);
  const extra = new TableBuilder(['text'], 16);
  for (let i = 0; i < rows; i++) {
    flows.push(i, row(i));
    if (i % 3 === 0) extra.push(i, [`note ${i} ${STRINGS[i % STRINGS.length]}`]);
  }
  const batch: ColumnBatch = { flows: rows, tables: [flows.take(), extra.take()] };
  const store = await DuckDbStore.open(path, TABLES, { batchFlows: 2000 });
  await store.begin({ runId: 7, inputs: ['test'], startedAt: 1_700_000_000, sondeVersion: 'test', probe: 'test' });
  await store.write(batch);
  await store.end('completed', { packets: 0, bytes: 0, flows: rows });
  store.close();

  const db = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const c = await db.connect();
  const read = await c.runAndReadAll(`SELECT run_id, flow_id, retired, ${KINDS.map(([n]) => n === 'seen' ? 'epoch_us(seen)' : n).join(', ')} FROM flows ORDER BY flow_id`);
  const got = read.getRowsJS();
  assert.equal(got.length, rows);
  for (let i = 0; i < rows; i++) {
    const g = got[i]!;
    assert.equal(g[0], 7n);
    assert.equal(g[1], (7n << 32n) + BigInt(i));
    assert.equal(g[2], null, 'a retired column reads null');
    assert.deepEqual(g.slice(3), expected(i), `row ${i}`);
  }
  const notes = (await c.runAndReadAll('SELECT flow_id, note FROM extra ORDER BY flow_id')).getRowsJS();
  assert.equal(notes.length, Math.ceil(rows / 3));
  notes.forEach(([id, note], k) => assert.deepEqual([id, note], [(7n << 32n) + BigInt(k * 3), `note ${k * 3} ${STRINGS[(k * 3) % STRINGS.length]}`]));
  const run = (await c.runAndReadAll('SELECT status, flows_stored FROM runs')).getRowsJS();
  assert.deepEqual(run, [['completed', BigInt(rows)]]);
  c.closeSync();
  db.closeSync();
});
