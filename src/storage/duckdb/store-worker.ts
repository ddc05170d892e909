import { parentPort } from 'node:worker_threads';
import '../../dpi/index.js'; // registers the dissectors' fields: the stored tables derive from them
import { DuckDbStore } from './store.js';
import { type WorkerReply, type WorkerRequest } from './worker-protocol.js';

// The DuckDB store on its own thread: converting values and appending costs about as much as
// analysing the packets, so it runs beside the analysis instead of after each batch of it.

let store: DuckDbStore | null = null;
const port = parentPort!;

const reply = (m: WorkerReply): void => port.postMessage(m);

// one request at a time, in order: a batch's transaction must end before the next begins
let queue: Promise<void> = Promise.resolve();
port.on('message', (m: WorkerRequest) => {
  queue = queue.then(() => handle(m)).catch((e: unknown) => reply({ kind: 'error', id: m.id, message: (e as Error).message.split('\n')[0] ?? String(e) }));
});

async function handle(m: WorkerRequest): Promise<void> {
  switch (m.kind) {
    case 'open':
      store = await DuckDbStore.open(m.path, { batchFlows: m.batchFlows });
      reply({ kind: 'done', id: m.id, value: await store.nextRunId(m.startedAt) });
      return;
    case 'begin':
      await store!.begin(m.run);
      reply({ kind: 'done', id: m.id, value: 0 });
      return;
    case 'rows':
      for (let i = 0; i < m.rows.length; i++) store!.add(m.first + i, m.rows[i]!);
      await store!.drain();
      reply({ kind: 'done', id: m.id, value: store!.flowsStored });
      return;
    case 'end':
      await store!.end(m.status, m.counters);
      store!.close();
      reply({ kind: 'done', id: m.id, value: store!.flowsStored });
      store = null;
      // nothing more to do: let the thread end by itself (terminating it under DuckDB aborts)
      port.close();
      return;
  }
}
