import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAttackMix } from '../test-support/attack-mix.js';
import { runSonde, SONDE_BIN } from '../test-support/golden.js';
import { startServe } from '../test-support/serve-process.js';

// The dashboard of a store being written: DuckDB lets one process open the file, so the writer
// serves it (--serve). An analyze reading a capture from a pipe that is still open shows the
// flows that have ended so far and its run as running; once done, `sonde serve` shows them all.

const CHROMIUM = process.env.SONDE_CHROMIUM ?? '/usr/bin/chromium';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('analyze --serve: the dashboard shows flows as they land, while the run writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sonde-serve-writer-'));
  try {
    const db = join(dir, 'live.duckdb');
    const pcap = buildAttackMix({ seed: 5, durationS: 30, attacks: [] }).pcap;
    const child = spawn(process.execPath, [SONDE_BIN, 'analyze', '-', '--db', db, '--idle-timeout', '1', '-q', '--serve', '--port', '0'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // the first two thirds of the capture; the pipe stays open
    child.stdin.write(pcap.subarray(0, Math.floor((pcap.length * 2) / 3)));
    let base = '';
    for (let i = 0; i < 100 && !base; i++) {
      base = /the dashboard is at (http:\/\/\S+?)\/(\s|$)/.exec(err)?.[1] ?? '';
      if (!base) await sleep(100);
    }
    assert.ok(base, `the dashboard's address is printed: ${err}`);
    let flows = 0;
    for (let i = 0; i < 100 && flows === 0; i++) {
      flows = ((await (await fetch(`${base}/api/summary`)).json()) as { flows: number }).flows;
      if (flows === 0) await sleep(100);
    }
    assert.ok(flows > 0, 'flows that ended are shown before the input ends');
    const runs = (await (await fetch(`${base}/api/runs`)).json()) as { status: string }[];
    assert.deepEqual(runs.map((r) => r.status), ['running']);
    const page = (await (await fetch(`${base}/api/flows?limit=5&sort=bytes`)).json()) as { total: number; flows: { id: string }[] };
    assert.equal(page.total, flows);
    assert.equal((await fetch(`${base}/api/flows/${page.flows[0]!.id}`)).status, 200);
    assert.equal((await fetch(`${base}/api/flows?port=x`)).status, 400);
    // the page marks a store being written (and redraws it every 15 s)
    if (existsSync(CHROMIUM)) {
      const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
      try {
        const page = await browser.newPage();
        await page.goto(`${base}/`);
        await page.waitForFunction(() => document.body.dataset.state === 'ready', undefined, { timeout: 15_000 });
        assert.equal(await page.locator('#writing').textContent(), 'live');
      } finally {
        await browser.close();
      }
    }
    // another process cannot open the file meanwhile: it says how to see it
    const other = runSonde(['serve', '--db', db, '--port', '0']);
    assert.equal(other.status, 1);
    assert.match(other.stderr, /being written .*start it with --serve/);
    child.stdin.end(pcap.subarray(Math.floor((pcap.length * 2) / 3)));
    assert.equal(await exited, 0, err);
    const after = await startServe(['--db', db]);
    try {
      const s = (await (await fetch(`${after.base}/api/summary`)).json()) as { flows: number };
      assert.ok(s.flows > flows, `${s.flows} flows once the run ended, ${flows} while it ran`);
      const done = (await (await fetch(`${after.base}/api/runs`)).json()) as { status: string }[];
      assert.deepEqual(done.map((r) => r.status), ['completed']);
    } finally {
      await after.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--serve and its options: one line and exit 2 when they do not fit', () => {
  for (const args of [['analyze', '-', '--port', '9000'], ['analyze', '-', '--serve', '--no-store'], ['live', '-i', 'lo', '--token', 'abcdefghij'], ['live', '-i', 'lo', '--serve', '--no-store']]) {
    const r = runSonde(args, new Uint8Array());
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
