import { closeSync, openSync, readSync } from 'node:fs';
import { createDpiEngine } from '../dpi/index.js';
import { LocalCaptureRun } from '../engine/capture-run.js';

// `node dist/bench/dpi-probes.js CAPTURE…`: what choosing dissectors costs on real traffic: how
// many dissectors' probes run per flow that reaches DPI, and how many candidates they leave. Prints
// one JSON line for `npm run bench`.

const CHUNK = 4 << 20;
const dpi = createDpiEngine();
const run = new LocalCaptureRun({ idleTimeoutS: 120, activeTimeoutS: 1800, maxFlows: 262_144 }, dpi, () => undefined);
for (const path of process.argv.slice(2)) {
  const fd = openSync(path, 'r');
  try {
    let begun = false;
    for (;;) {
      // a fresh buffer each time, as `sonde analyze` reads: the parser may keep a view of the last one
      const buf = Buffer.allocUnsafe(CHUNK);
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      const chunk = buf.subarray(0, n);
      if (!begun) {
        run.begin(path, chunk);
        begun = true;
      }
      run.push(chunk);
    }
    run.end();
  } finally {
    closeSync(fd);
  }
}
const { flows, probes, candidates } = dpi.probeStats;
process.stdout.write(`${JSON.stringify({ flows, probes, candidates, probesPerFlow: probes / Math.max(1, flows), candidatesPerFlow: candidates / Math.max(1, flows) })}\n`);
