import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDpiEngine } from '../index.js';
import { Engine } from '../../engine/engine.js';
import { conversationFrames, type Exchange } from '../../test-support/dpi-test-kit.js';
import { DISSECTORS } from './registry.js';
import { DpiStatus } from './results.js';
import { type Dissector } from '../api/dissector.js';
import { findProtocol } from '../api/catalog.js';

// Once a flow is identified, its packets cost the flow update and nothing of the DPI runtime: no
// dissector runs for them, and the flow's inspection state is gone.

test('the packets of an identified long flow run no dissector', () => {
  let calls = 0;
  const restore: (() => void)[] = [];
  for (const d of DISSECTORS as Dissector[]) {
    const { probe, inspect } = d;
    d.probe = (...args) => {
      calls++;
      return probe.apply(d, args);
    };
    d.inspect = (...args) => {
      calls++;
      return inspect.apply(d, args);
    };
    restore.push(() => {
      d.probe = probe;
      d.inspect = inspect;
    });
  }
  try {
    const body = 'x'.repeat(1200);
    const exchanges: Exchange[] = [
      { dir: 0, payload: 'GET /video.mp4 HTTP/1.1\r\nHost: media.example\r\nUser-Agent: test\r\n\r\n' },
      { dir: 1, payload: 'HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: 6000000\r\n\r\n' },
      ...Array.from({ length: 5000 }, (): Exchange => ({ dir: 1, payload: body })),
    ];
    const frames = conversationFrames(exchanges, { transport: 'tcp', serverPort: 80 });
    const dpi = createDpiEngine();
    const records: string[] = [];
    const engine = new Engine({ idleTimeoutS: 0, activeTimeoutS: 0, maxFlows: 16, dpi }, (_table, id) => records.push(`${dpi.results.protocol[id]}`));
    let callsAfterDone = 0;
    let doneAt = -1;
    frames.forEach((f, i) => {
      const done = engine.flows.live === 1 && dpi.results.status[0] === DpiStatus.Done;
      if (done && doneAt < 0) doneAt = i;
      const before = calls;
      engine.onPacket(f, 0, f.length, f.length, 1_700_000_000_000_000 + i * 100, 1);
      if (done) callsAfterDone += calls - before;
    });
    assert.ok(doneAt >= 0 && doneAt < 12, `identification done after ${doneAt} of ${frames.length} packets`);
    assert.ok(calls > 0, 'the dissectors ran on the first packets');
    assert.equal(callsAfterDone, 0, 'no dissector ran once the flow was done');
    engine.flush();
    assert.deepEqual(records, [String(findProtocol('HTTP'))]);
  } finally {
    for (const r of restore) r();
  }
});
