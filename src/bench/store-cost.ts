import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDpiEngine } from '../dpi/index.js';
import { DEFAULT_ENGINE_OPTIONS } from '../engine/engine.js';
import { LocalCaptureRun } from '../engine/capture-run.js';
import { batchViews, type FlowBatch, FlowBatchBuilder } from '../flow/flow-batch.js';
import { ColumnBatchBuilder, type ColumnBatch } from '../storage/column-batch.js';
import { DuckDbStore } from '../storage/duckdb/store.js';
import { FEATURES_INDEX, FEATURES_TABLE, storedTables, type TableDef } from '../storage/tables.js';
import { ROOT } from './bench-store.js';
import { openInput } from '../cli/input.js';

// `npm run bench:store-cost [-- CAPTURE]`: what the DuckDB store costs per flow, and which column
// groups it goes to. The capture's flows are gathered once as the analysis hands them to the
// store's thread (flow batches); then, on this one thread, each stage is timed by itself: building
// the column batches from the batches (the field getters), and appending them to a fresh store:
// the default tables, with --store-features, and without one column group. CPU is the process's
// (DuckDB's own threads included).

const capture = process.argv[2] ?? join(ROOT, 'bench-out', 'big.pcap');
if (!existsSync(capture)) {
  process.stderr.write(`store-cost: no capture at ${capture}: build it with ../shared/tools/build-bench-pcap, or name one\n`);
  process.exit(2);
}

async function gatherBatches(path: string): Promise<FlowBatch[]> {
  const batches: FlowBatch[] = [];
  const builder = new FlowBatchBuilder(4096);
  let n = 0;
  const run = new LocalCaptureRun(DEFAULT_ENGINE_OPTIONS, createDpiEngine(), (view) => {
    builder.add(n++, view);
    if (builder.full) batches.push(builder.take()!);
  });
  const input = openInput(path);
  let begun = false;
  for await (const chunk of input.chunks()) {
    if (!begun) run.begin(input.name, chunk);
    begun = true;
    run.push(chunk);
  }
  run.end();
  const last = builder.take();
  if (last) batches.push(last);
  return batches;
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function buildColumns(batches: FlowBatch[], storeFeatures: boolean): ColumnBatch[] {
  return batches.map((b) => {
    const columns = new ColumnBatchBuilder(b.table.count, storeFeatures);
    for (const [n, view] of batchViews(b)) columns.add(n, view);
    return columns.take()!;
  });
}

/** the batches restricted to the tables and columns of `keep` (column indexes follow) */
function restrict(batches: ColumnBatch[], tables: TableDef[], keep: (table: string, column: string) => boolean): { defs: TableDef[]; batches: ColumnBatch[] } {
  const kept = tables.map((t) => t.columns.map((c, i) => (keep(t.name, c.name) ? i : -1)).filter((i) => i >= 0));
  const defs = tables.map((t, ti) => ({ ...t, columns: kept[ti]!.map((i) => t.columns[i]!) }));
  return {
    defs,
    batches: batches.map((b) => ({ flows: b.flows, tables: b.tables.map((tb, ti) => (tb ? { ...tb, columns: kept[ti]!.map((i) => tb.columns[i]!) } : null)) })),
  };
}

async function timeStore(dir: string, name: string, defs: TableDef[], batches: ColumnBatch[], nulls: boolean): Promise<{ cpu: number; wall: number; bytes: number }> {
  const path = join(dir, `${name}.duckdb`);
  // the dropped columns in the flows table, written as nulls
  if (nulls) (await DuckDbStore.open(path, [{ ...storedTables()[0]!, columns: [...storedTables()[0]!.columns, ...storedTables()[FEATURES_INDEX]!.columns] }])).close();
  const store = await DuckDbStore.open(path, defs);
  await store.begin({ runId: 1, inputs: ['bench'], startedAt: 1, sondeVersion: 'bench', probe: 'bench' });
  const cpu0 = cpuMs();
  const wall0 = performance.now();
  for (const b of batches) await store.write(b);
  await store.end('completed', { packets: 0, bytes: 0, flows: 0 });
  store.close();
  const r = { cpu: cpuMs() - cpu0, wall: performance.now() - wall0, bytes: 0 };
  r.bytes = statSync(path).size;
  rmSync(path, { force: true });
  return r;
}

const perDirection = /_(c2s|s2c)$/;
/** what is stored: the default tables, or those of --store-features; and a column group dropped */
const GROUPS: { name: string; features: boolean; drop: (table: string, column: string) => boolean; nulls?: boolean }[] = [
  { name: 'default (flows and protocol tables)', features: false, drop: () => false },
  { name: 'with --store-features (flow_features too)', features: true, drop: () => false },
  { name: '--store-features, its columns written into flows as nulls instead', features: false, drop: (t) => t === FEATURES_TABLE, nulls: true },
  { name: 'default without the per-direction counters and times', features: false, drop: (t, c) => t === 'flows' && perDirection.test(c) },
  { name: 'default without protocol tables', features: false, drop: (t) => t !== 'flows' && t !== FEATURES_TABLE },
];

const gatherStart = performance.now();
const batches = await gatherBatches(capture);
const flows = batches.reduce((n, b) => n + b.table.count, 0);
process.stdout.write(`${flows} flows from ${capture} (${((performance.now() - gatherStart) / 1000).toFixed(1)} s to analyze)\n`);

const rounds = 3;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const perFlow = (ms: number): string => `${((ms * 1000) / flows).toFixed(2)} µs/flow`;
const columnsOf: ColumnBatch[][] = [];
for (const features of [false, true]) {
  const cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = cpuMs();
    columnsOf[Number(features)] = buildColumns(batches, features);
    cpu.push(cpuMs() - c0);
  }
  process.stdout.write(`building column batches (field getters)${features ? ', with --store-features' : ''}: ${perFlow(median(cpu))}\n`);
}

const dir = mkdtempSync(join(tmpdir(), 'sonde-store-cost-'));
const tables = storedTables();
for (const g of GROUPS) {
  const { defs, batches: restricted } = restrict(columnsOf[Number(g.features)]!, tables, (t, c) => !g.drop(t, c));
  const cpu: number[] = [];
  const wall: number[] = [];
  let bytes = 0;
  for (let r = 0; r < rounds; r++) {
    const m = await timeStore(dir, g.name.replace(/\W+/g, '-'), defs, restricted, g.nulls === true);
    cpu.push(m.cpu);
    wall.push(m.wall);
    bytes = m.bytes;
  }
  process.stdout.write(`appending, ${g.name}: ${perFlow(median(cpu))} CPU, ${perFlow(median(wall))} wall, ${(bytes / 1e6).toFixed(1)} MB file\n`);
}
rmSync(dir, { recursive: true, force: true });
