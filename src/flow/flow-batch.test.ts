import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PcapRecord, writePcap } from '../test-support/capture-writer.js';
import { ethernet, ipv4, tcp, udp } from '../test-support/packet-builder.js';
import { DEFAULT_ENGINE_OPTIONS } from '../engine/engine.js';
import { flowRecord } from './schema.js';
import { CAPTURES_DIR, FIXTURES_DIR } from '../test-support/golden.js';
import { corpusCaptures, ndpiCorpusDir, runCapture } from '../test-support/corpus.js';
import { type ColumnBatch, ColumnBatchBuilder, type ColumnData } from '../storage/column-batch.js';
import { batchViews, type FlowBatch, FlowBatchBuilder, transferList } from './flow-batch.js';
import { type ColumnKind, storedTables } from '../storage/tables.js';

// The store's thread builds flow records from copies of the flows (flow-batch.ts), then lays them
// out in columns (column-batch.ts): both must give back exactly the records of `--format jsonl`.

const scratch = mkdtempSync(join(tmpdir(), 'sonde-batch-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

/** many short flows, and a long one that the 5 s active timeout cuts into several records */
function generatedCapture(): string {
  const records: PcapRecord[] = [];
  const t0 = 1_700_000_000_000_000;
  for (let i = 0; i < 200; i++) records.push({ ts: t0 + i * 1000, data: ethernet(0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 17 }, udp(2000 + i, 9, new Uint8Array(8)))) });
  for (let i = 0; i < 30; i++) records.push({ ts: t0 + 300_000 + i * 1_000_000, data: ethernet(0x0800, ipv4({ src: '10.0.0.3', dst: '10.0.0.4', proto: 6 }, tcp(40000, 80, 0x18, new TextEncoder().encode(`GET /${i} HTTP/1.1\r\nHost: long.example\r\n\r\n`), 1000 + i * 100))) });
  records.sort((a, b) => a.ts - b.ts);
  // a capture out of time order: the flow's second packet 40 minutes before its first (an early
  // gap too wide for the flow table's 32-bit array, kept beside it)
  const late = t0 + 40_000_000;
  for (const ts of [late, late - 2_400_000_000]) records.push({ ts, data: ethernet(0x0800, ipv4({ src: '10.0.0.5', dst: '10.0.0.6', proto: 17 }, udp(5000, 5001, new Uint8Array(4)))) });
  const path = join(scratch, 'generated.pcap');
  writeFileSync(path, writePcap(records, { linkType: 1 }));
  return path;
}

const captures = (): string[] => {
  const out = [
    generatedCapture(),
    ...readdirSync(FIXTURES_DIR).map((f) => join(FIXTURES_DIR, f)),
    ...readdirSync(CAPTURES_DIR).filter((f) => f.endsWith('.pcap')).map((f) => join(CAPTURES_DIR, f)),
  ];
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
