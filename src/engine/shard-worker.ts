import { parentPort, workerData } from 'node:worker_threads';
import { createCaptureParser, type CaptureParser } from '../capture/parser.js';
import { createDpiEngine } from '../dpi/index.js';
import { type FlowView } from '../flow/schema.js';
import { FlowBatchBuilder, transferList } from '../flow/flow-batch.js';
import { Engine } from './engine.js';
import { StatisticalStage } from '../classify/stage.js';
import { FloodScanDetector } from '../detect/detector.js';
import { type LearnedKey } from '../dpi/naming/naming.js';
import { type AlertEvent, type EndedFlows, type FromWorker, type LearnedLog, orderKey, Phase, type ToWorker, type WorkerSetup } from './shard-protocol.js';

// One worker of `--workers N`: walks every record of the ring's chunks, decodes and inspects the
// packets the main thread gave it (the owners beside each slot), only counts the others, and
// sends its flows back when they end, in batches, with what they taught other flows (the main
// thread names every flow, sharded.ts).

const BATCH_FLOWS = 4096;

const setup = workerData as WorkerSetup;
const port = parentPort!;

const dpi = setup.dpi ? createDpiEngine() : null;
const statistical = setup.statistical && dpi ? new StatisticalStage(setup.statistical.model, setup.statistical.mode) : null;
let learned: LearnedLog = emptyLog();
let alerts: AlertEvent[] = [];
const detector = setup.detect && setup.index === 0 ? new FloodScanDetector(setup.detect, (alert, phase) => alerts.push({ alert, phase })) : null;
if (dpi) {
  dpi.nameAtEnd = false;
  dpi.learner = {
    dnsAnswer: (address, app) => log(0, address, app),
    socketApplication: (socket, app) => log(1, socket, app),
  };
}

let flushing = false;
let captureName = '';
let chunks = 0;
/** the chunk during which the oldest flow waiting in the batch ended */
let heldSince = 0;
const builder = new FlowBatchBuilder(BATCH_FLOWS);
let keys = new Float64Array(BATCH_FLOWS);
const view: FlowView = { table: null as never, id: 0, capture: '', endReason: 'end', dpi: dpi?.results ?? null };

const engine = new Engine(
  {
    ...setup.engine,
    // the live-flow limit is shared out: each worker holds about 1/N of the flows
    maxFlows: Math.max(1, Math.ceil(setup.engine.maxFlows / setup.count)),
    dpi,
    statistical,
    detector,
    shard: { index: setup.index, count: setup.count },
  },
  (table, id, reason) => {
    view.table = table;
    view.id = id;
    view.endReason = reason;
    view.capture = captureName;
    if (builder.count === 0) heldSince = chunks;
    keys[builder.count] = orderKey(engine.stats.records, flushing ? Phase.Flushed : Phase.Ended);
    builder.add(0, view);
    if (builder.full) send({ kind: 'progress', slot: -1, upTo: -1, records: engine.stats.records, stopped: false, learned: takeLearned(), flows: takeFlows(), alerts: takeAlerts() });
  },
);

let parser: CaptureParser | null = null;
const abandoned = new Int32Array(setup.abandon);
/** the worker of each record the current chunk completes, and how many of them were walked */
let owners: Uint8Array = new Uint8Array(0);
let walked = 0;
const self = setup.index;
const dispatch = (buf: Uint8Array, offset: number, capLen: number, wireLen: number, tsMicros: number, linkType: number): void => {
  if (owners[walked++] === self) engine.onPacket(buf, offset, capLen, wireLen, tsMicros, linkType);
  else engine.passPacket(buf, offset, capLen, wireLen, tsMicros, linkType);
};

/** the main thread's walk and this one's must agree record for record, or flows would be lost */
function checkWalked(expected: number): void {
  if (walked !== expected) throw new Error(`worker ${self} walked ${walked} capture records where the main thread gave ${expected} owners`);
}

function log(kind: number, name: LearnedKey, app: number): void {
  learned.keys.push(orderKey(engine.stats.records, Phase.Learned));
  learned.kinds.push(kind);
  learned.names.push(name);
  learned.apps.push(app);
}

function emptyLog(): LearnedLog {
  return { keys: [], kinds: [], names: [], apps: [] };
}

function takeLearned(): LearnedLog {
  const l = learned;
  learned = emptyLog();
  return l;
}

function takeAlerts(): AlertEvent[] {
  const a = alerts;
  if (a.length > 0) alerts = [];
  return a;
}

function takeFlows(): EndedFlows | null {
  const batch = builder.take();
  if (!batch) return null;
  const flows = { batch, keys };
  keys = new Float64Array(BATCH_FLOWS);
  return flows;
}

/** every item this worker will send from now on has a key at least this */
function watermark(): number {
  // flows that ended but wait in the unsent batch hold it back
  return builder.count > 0 ? keys[0]! : orderKey(engine.stats.records + 1, Phase.Ended);
}

function send(m: FromWorker): void {
  const transfer: ArrayBuffer[] = [];
  if ((m.kind === 'progress' || m.kind === 'capture-done') && m.flows) transfer.push(...transferList(m.flows.batch), m.flows.keys.buffer as ArrayBuffer);
  port.postMessage(m, transfer);
}

function handle(m: ToWorker): void {
  switch (m.kind) {
    case 'capture':
      captureName = m.name;
      parser = null;
      return;
    case 'chunk': {
      const chunk = new Uint8Array(setup.ring, m.slot * setup.slotBytes, m.length);
      // the main thread checked the format on these first bytes already
      parser ??= createCaptureParser(chunk, dispatch, engine.packetAnomalies);
      if (Atomics.load(abandoned, 0) === 0) {
        owners = new Uint8Array(setup.owners, m.slot * setup.ownersPerSlot, m.records);
        walked = 0;
        parser.push(chunk);
        checkWalked(m.records);
      }
      chunks++;
      // a quiet shard must not make the main thread hold everyone else's flows for long
      const flows = builder.count > 0 && chunks - heldSince >= setup.holdChunks ? takeFlows() : null;
      send({ kind: 'progress', slot: m.slot, upTo: watermark(), records: engine.stats.records, stopped: parser.stopped, learned: takeLearned(), flows, alerts: takeAlerts() });
      return;
    }
    case 'end-capture': {
      owners = m.owners;
      walked = 0;
      parser?.finish();
      if (parser && Atomics.load(abandoned, 0) === 0) checkWalked(m.owners.length);
      flushing = true;
      engine.flush();
      flushing = false;
      const flows = takeFlows();
      send({
        kind: 'capture-done',
        upTo: watermark(),
        learned: takeLearned(),
        alerts: takeAlerts(),
        flows,
        warnings: parser?.warnings ?? [],
        errors: parser?.errors ?? [],
        stopped: parser?.stopped ?? false,
        counters: { stats: { ...engine.stats }, anomalies: Float64Array.from(engine.anomalies.counts) },
      });
      parser = null;
      return;
    }
  }
}

port.on('message', (m: ToWorker) => {
  try {
    handle(m);
  } catch (e) {
    port.postMessage({ kind: 'failed', message: (e as Error).stack ?? String(e) } satisfies FromWorker);
  }
});
