import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { createCaptureParser } from '../capture/parser.js';
import { createDpiEngine } from '../dpi/index.js';
import { DEFAULT_ENGINE_OPTIONS, Engine } from '../engine/engine.js';
import { flowRecord, type FlowView } from '../flow/schema.js';
import { type RunInfo } from '../storage/sink.js';
import { FEATURES_INDEX, type FlowRows, FlowRowBuilder, storedTables } from '../storage/tables.js';

// For tests only: the stored rows of a capture's flows, made the way `sonde analyze` makes them
// (engine with DPI, default timeouts), with their flow records to compare against.

export interface CaptureFlows {
  rows: FlowRows[];
  records: Record<string, unknown>[];
}

/** storeFeatures: the rows include flow_features' (as --store-features stores them) */
export async function captureFlows(path: string, storeFeatures = false): Promise<CaptureFlows> {
  const dpi = createDpiEngine();
  const builder = new FlowRowBuilder(storeFeatures);
  const out: CaptureFlows = { rows: [], records: [] };
  const view: FlowView = { table: null as never, id: 0, capture: basename(path), endReason: 'end', dpi: dpi.results };
  const engine = new Engine({ ...DEFAULT_ENGINE_OPTIONS, dpi }, (table, id, reason) => {
    view.table = table;
    view.id = id;
    view.endReason = reason;
    out.rows.push(builder.rows(view));
    out.records.push(flowRecord(view));
  });
  const bytes = await readFile(path);
  const parser = createCaptureParser(bytes, engine.onPacket, engine.anomalies);
  parser.push(bytes);
  parser.finish();
  engine.flush();
  return out;
}

export const testRun = (runId: number, probe: string, inputs: string[] = ['test.pcap']): RunInfo => ({
  runId, probe, inputs, startedAt: 1_700_000_000.5, sondeVersion: '0.0.0-test',
});

/** A copy of a flow's rows with some flows-table values changed, by column name. */
export function withFlowValues(rows: FlowRows, values: Record<string, unknown>): FlowRows {
  const columns = storedTables()[0]!.columns;
  const flow = [...rows.flow];
  for (const [name, value] of Object.entries(values)) {
    const i = columns.findIndex((c) => c.name === name);
    if (i < 0) throw new Error(`no flows column '${name}'`);
    flow[i] = value;
  }
  return { flow, protocols: rows.protocols.map((p) => ({ table: p.table, values: [...p.values] })) };
}

/** A flow_features row: the template's (rows made with storeFeatures) with some values changed, by column name. */
export function featureRow(template: FlowRows, values: Record<string, unknown>): { table: number; values: unknown[] } {
  const row = template.protocols.find((p) => p.table === FEATURES_INDEX);
  if (!row) throw new Error('the template has no flow_features row: make it with storeFeatures');
  const columns = storedTables()[FEATURES_INDEX]!.columns;
  const out = [...row.values];
  for (const [name, value] of Object.entries(values)) {
    const i = columns.findIndex((c) => c.name === name);
    if (i < 0) throw new Error(`no flow_features column '${name}'`);
    out[i] = value;
  }
  return { table: FEATURES_INDEX, values: out };
}

/** The index of a protocol table in storedTables() (FlowRows' table numbers). */
export const protocolTable = (name: string): number => {
  const i = storedTables().findIndex((t) => t.name === name);
  if (i <= FEATURES_INDEX) throw new Error(`no protocol table '${name}'`);
  return i;
};

/** `count` flows made from a template, one second apart from `firstSeen` on, each with a dns row. */
export function manyFlows(template: FlowRows, count: number, firstSeen: number): FlowRows[] {
  const dns = protocolTable('dns');
  return Array.from({ length: count }, (_, i) => {
    const rows = withFlowValues(template, { first_seen: firstSeen + i, sport: 1024 + (i % 60000) });
    rows.protocols = [{ table: dns, values: [`host${i}.example`, 'A', 'NOERROR', [`192.0.2.${i % 256}`]] }];
    return rows;
  });
}
