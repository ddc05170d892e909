import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Interruption } from './interruption.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const heapAfterCollecting = (): number => {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

// The read loops of analyze and live wait on one chunk at a time for as long as the run lasts.
const CHUNKS = 200_000;

test('orSignal settles with the promise it waits on and leaves no waiter behind', async () => {
  const interruption = new Interruption();
  try {
    for (let i = 0; i < 1000; i++) assert.equal(await interruption.orSignal(Promise.resolve(i)), i);
    await assert.rejects(interruption.orSignal(Promise.reject(new Error('read failed'))), /read failed/);
    assert.equal(interruption.pendingWaits, 0);
    const never = interruption.orSignal(new Promise<void>(() => undefined));
    assert.equal(interruption.pendingWaits, 1);
    process.emit('SIGTERM');
    assert.equal(await never, undefined);
    assert.equal(interruption.pendingWaits, 0);
    assert.equal(interruption.exitStatus, 143);
    assert.equal(await interruption.orSignal(new Promise<void>(() => undefined)), undefined, 'after the signal a wait ends at once');
  } finally {
    interruption.dispose();
  }
});

test('a run of many waits keeps the heap flat, where racing the interruption promise grows it', async () => {
  const interruption = new Interruption();
  try {
    const growth = async (wait: (chunk: Promise<number>) => Promise<unknown>): Promise<number> => {
      const before = heapAfterCollecting();
      for (let i = 0; i < CHUNKS; i++) await wait(Promise.resolve(i));
      return heapAfterCollecting() - before;
    };
    const viaOrSignal = await growth((chunk) => interruption.orSignal(chunk));
    // the pattern the read loops used before: one reaction stays on whenRequested per chunk
    const viaRace = await growth((chunk) => Promise.race([chunk, interruption.whenRequested]));
    assert.ok(viaRace > 8 * 1024 * 1024, `the race pattern should show the leak this test guards against (grew ${viaRace} bytes)`);
    assert.ok(viaOrSignal < 2 * 1024 * 1024, `orSignal grew the heap by ${viaOrSignal} bytes over ${CHUNKS} waits`);
    assert.equal(interruption.pendingWaits, 0);
  } finally {
    interruption.dispose();
  }
});
