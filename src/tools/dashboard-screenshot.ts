import { chromium } from 'playwright-core';
import { startServe } from '../test-support/serve-process.js';

// A picture of the dashboard for the README: `node dist/tools/dashboard-screenshot.js STORE OUT.png
// [PATH] [--dark]` serves the store, opens PATH (default /) in Debian's Chromium at 1280×1400 and
// saves what is on screen.

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== '--dark');
  const dark = process.argv.includes('--dark');
  const [db, out, path = '/'] = args;
  if (!db || !out) {
    process.stderr.write('usage: node dist/tools/dashboard-screenshot.js STORE.duckdb OUT.png [PATH] [--dark]\n');
    process.exit(2);
  }
  const server = await startServe(['--db', db]);
  const browser = await chromium.launch({
    executablePath: process.env.SONDE_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 }, colorScheme: dark ? 'dark' : 'light' });
    await page.goto(`${server.base}${path}`);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', undefined, { timeout: 30_000 });
    await page.screenshot({ path: out });
  } finally {
    await browser.close();
    await server.stop();
  }
}

await main();
