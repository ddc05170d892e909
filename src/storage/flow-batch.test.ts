import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ENGINE_OPTIONS } from '../engine/engine.js';
import { flowRecord } from '../flow/schema.js';
import { CAPTURES_DIR, FIXTURES_DIR } from '../test-support/golden.js';
import { corpusCaptures, ndpiCorpusDir, runCapture } from '../test-support/corpus.js';
import { type ColumnBatch, ColumnBatchBuilder, type ColumnData } from './column-batch.js';
import { batchViews, type FlowBatch, FlowBatchBuilder, transferList } from './flow-batch.js';
import { type ColumnKind, storedTables } from './tables.js';

// The store's thread builds flow records from copies of the flows (flow-batch.ts), then lays them
// out in columns (column-batch.ts): both must give back exactly the records of `--format jsonl`.

const captures = (): string[] => {
  const out = [...readdirSync(FIXTURES_DIR).map((f) => join(FIXTURES_DIR, f)), ...readdirSync(CAPTURES_DIR).filter((f) => f.endsWith('.pcap')).map((f) => join(CAPTURES_DIR, f))];
  // real traffic with many dissectors' fields, when the shared corpus is there
  const corpus = ndpiCorpusDir();
  if (corpus) out.push(...corpusCaptures(corpus).filter((_, i) => i % 8 === 0).map((f) => join(corpus, 'pcap', f)));
  return out;
};

/** what postMessage does to a batch: a structured clone, the typed arrays moved */
const posted = (b: FlowBatch): FlowBatch => structuredClone(b, { transfer: transferList(b) });

const utf8 = new TextDecoder();

function decodeCell(kind: ColumnKind, c: ColumnData, r: number): unknown {
  if (c.type === 'number') {
    const v = c.values[r]!;
    return Number.isNaN(v) ? null : kind === 'bool' ? v !== 0 : v;
  }
  if (c.type === 'text') return c.valid[r] ? utf8.decode(c.bytes.subarray(c.offsets[r]!, c.offsets[r + 1]!)) : null;
  if (!c.valid[r]) return null;
  const out: unknown[] = [];
  for (let i = c.offsets[r]!; i < c.offsets[r + 1]!; i++) out.push(decodeCell(kind === 'text[]' ? 'text' : 'double', c.items, i));
  return out;
}

/** a record value as its column holds it: text columns hold the text of numbers (l4) */
const asStored = (kind: ColumnKind, v: unknown): unknown => (v === undefined ? null : kind === 'text' && typeof v === 'number' ? String(v) : v);

test('flow copies moved to another thread give the same records, and their columns hold the same values', () => {
  const tables = storedTables();
  let flows = 0;
  let protocolRows = 0;
  let activeSplits = 0;
  for (const path of captures()) {
    const batches: FlowBatch[] = [];
    // small batches: many of them, and flows spread over batch boundaries
    const builder = new FlowBatchBuilder(5);
    let n = 0;
    const run = runCapture(path, { ...DEFAULT_ENGINE_OPTIONS, idleTimeoutS: 30, activeTimeoutS: 5 }, (view) => {
      builder.add(n++, view);
      if (builder.full) batches.push(posted(builder.take()!));
    });
    const last = builder.take();
    if (last) batches.push(posted(last));
    const records: Record<string, unknown>[] = [];
    const columns: ColumnBatch[] = [];
    for (const b of batches) {
      // capacity 1: every column grows many times
      const cb = new ColumnBatchBuilder(1);
      for (const [number, view] of batchViews(b)) {
        assert.equal(number, records.length);
        records.push(flowRecord(view));
        cb.add(number, view);
      }
      columns.push(cb.take()!);
    }
    assert.deepEqual(records, run.records, path);
    activeSplits += run.records.filter((r) => r['end_reason'] === 'active').length;
    // columns: flows in order, protocol rows for the flows that have them
    let flow = 0;
    for (const cb of columns) {
      const t = cb.tables[0]!;
      for (let r = 0; r < t.rows; r++, flow++) {
        assert.equal(t.flowNumbers[r], flow);
        tables[0]!.columns.forEach((col, c) => assert.deepEqual(decodeCell(col.kind, t.columns[c]!, r), asStored(col.kind, run.records[flow]![col.name]), `${path} flow ${flow} ${col.name}`));
      }
      for (let i = 1; i < tables.length; i++) {
        const pt = cb.tables[i];
        if (!pt) continue;
        for (let r = 0; r < pt.rows; r++) {
          const record = run.records[pt.flowNumbers[r]!]![tables[i]!.name] as Record<string, unknown>;
          tables[i]!.columns.forEach((col, c) => assert.deepEqual(decodeCell(col.kind, pt.columns[c]!, r), asStored(col.kind, record[col.name]), `${path} ${tables[i]!.name}.${col.name}`));
          protocolRows++;
        }
      }
    }
    assert.equal(flow, run.records.length);
    flows += flow;
  }
  assert.ok(flows > 100 && protocolRows > 10 && activeSplits > 0, `${flows} flows, ${protocolRows} protocol rows, ${activeSplits} active-timeout records checked`);
});
