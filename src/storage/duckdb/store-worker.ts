import { parentPort } from 'node:worker_threads';
import '../../dpi/index.js'; // registers the dissectors' fields: records and tables derive from them
import { adoptCatalog } from '../../dpi/api/catalog.js';
import { ColumnBatchBuilder } from '../column-batch.js';
import { batchViews } from '../../flow/flow-batch.js';
import { storedTables } from '../tables.js';
import { readRows } from './reader.js';
import { DuckDbStore } from './store.js';
import { type WorkerReply, type WorkerRequest } from './worker-protocol.js';

// The DuckDB store on its own thread: building the flows' records from the copies the analysis
// sends (flow-batch.ts), appending and compressing them run beside the analysis instead of
// after each batch of it.

let store: DuckDbStore | null = null;
/** whether flow_features is written (--store-features) */
let storeFeatures = false;
const port = parentPort!;

const reply = (m: WorkerReply): void => port.postMessage(m);

/** Closes the database and lets the thread end by itself (terminating it under DuckDB aborts). */
function stop(): void {
  cancelCommit();
  store?.close();
  store = null;
  // reads that wait for a store that will not open fail instead of waiting for ever
  opened?.();
  port.close();
}

// one request at a time, in order: a batch's transaction must end before the next begins
let queue: Promise<void> = Promise.resolve();
/** reads (a dashboard's) go one at a time too, on their own connection, beside the writes */
let reads: Promise<void> = Promise.resolve();
let opened: (() => void) | null = null;
const storeOpen = new Promise<void>((resolve) => (opened = resolve));

port.on('message', (m: WorkerRequest) => {
  if (m.kind === 'read') {
    reads = reads.then(async () => {
      await storeOpen;
      if (!store) throw new Error('the store is closed');
      const { columns, rows } = await readRows(await store.readConnection(), m.sql, m.values);
      reply({ kind: 'rows', id: m.id, columns, rows });
    }).catch((e: unknown) => reply({ kind: 'error', id: m.id, message: firstLine(e) }));
    return;
  }
  queue = queue
    .then(() => handle(m))
    .catch((e: unknown) => {
      reply({ kind: 'error', id: m.id, message: firstLine(e) });
      // without an open store nothing that follows can succeed, and after the end nothing follows
      if (m.kind === 'start' || m.kind === 'end') stop();
    });
});

const firstLine = (e: unknown): string => (e as Error).message.split('\n')[0] ?? String(e);

/** Flows that wait for their commit get it within COMMIT_INTERVAL_MS, even when no more arrive. */
let commitTimer: NodeJS.Timeout | null = null;
/** a failed timed commit: reported with the next request, which fails the same way */
function scheduleCommit(): void {
  const due = store?.commitDueInMs() ?? Number.POSITIVE_INFINITY;
  if (commitTimer !== null || due === Number.POSITIVE_INFINITY) return;
  commitTimer = setTimeout(() => {
    commitTimer = null;
    queue = queue.then(async () => {
      await store?.commitIfDue();
      scheduleCommit();
    }).catch(() => undefined);
  }, due);
}

function cancelCommit(): void {
  if (commitTimer !== null) clearTimeout(commitTimer);
  commitTimer = null;
}

async function handle(m: WorkerRequest): Promise<void> {
  switch (m.kind) {
    case 'start': {
      adoptCatalog(m.catalog);
      storeFeatures = m.storeFeatures;
      store = await DuckDbStore.open(m.path, storedTables());
      const runId = await store.nextRunId(m.run.startedAt);
      await store.begin({ ...m.run, runId });
      opened?.();
      reply({ kind: 'done', id: m.id, value: runId });
      return;
    }
    case 'flows': {
      const columns = new ColumnBatchBuilder(m.batch.table.count, storeFeatures);
      for (const [n, view] of batchViews(m.batch)) columns.add(n, view);
      await store!.write(columns.take()!);
      scheduleCommit();
      reply({ kind: 'done', id: m.id, value: store!.flowsStored });
      return;
    }
    case 'alert': {
      await store!.writeAlert(m.number, m.alert);
      reply({ kind: 'done', id: m.id, value: m.number });
      return;
    }
    case 'prune': {
      const pruned = await store!.prune(m.cutoffMicros);
      reply({ kind: 'done', id: m.id, value: pruned.flows });
      return;
    }
    case 'end': {
      cancelCommit();
      await store!.end(m.status, m.counters);
      reply({ kind: 'done', id: m.id, value: store!.flowsStored });
      stop();
      return;
    }
  }
}
