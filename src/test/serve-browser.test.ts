import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { repoPath } from '../test-support/paths.js';
import { buildServeStore, type ServeProcess, startServe } from '../test-support/serve-process.js';

// The dashboard in real Chromium (Debian's, driven by playwright-core): every page loads without a
// console error, charts draw, a filter narrows the flow table, a click opens a flow, the time
// picker and a drag change the charts, the dark theme applies. Screenshots go to
// artifacts/dashboard/ (or $SONDE_ARTIFACTS).

const CHROMIUM = process.env.SONDE_CHROMIUM ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}: apt-get install chromium (or set SONDE_CHROMIUM)`;
const shots = process.env.SONDE_ARTIFACTS ?? repoPath('artifacts', 'dashboard');

const dir = mkdtempSync(join(tmpdir(), 'sonde-browser-'));
let server: ServeProcess;
let browser: Browser;

before(async () => {
  if (skip) return;
  mkdirSync(shots, { recursive: true });
  const db = join(dir, 'store.duckdb');
  buildServeStore(db);
  server = await startServe(['--db', db]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** a page that records console errors and failed requests */
async function open(path: string, options: { width?: number; height?: number; dark?: boolean } = {}): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 900 }, colorScheme: options.dark ? 'dark' : 'light' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`${r.url()}: HTTP ${r.status()}`);
  });
  page.on('requestfailed', (r) => errors.push(`${r.url()}: ${r.failure()?.errorText ?? 'failed'}`));
  await page.goto(`${server.base}${path}`);
  await ready(page);
  return { page, errors };
}

/** the view has been drawn (the front end marks the body) */
async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.state === 'ready', undefined, { timeout: 15_000 });
}

/** how many pixels of the canvas are painted */
async function paintedPixels(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (el) => {
    const canvas = el.querySelector('canvas');
    if (!canvas) return 0;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return n;
  });
}

test('every page loads without a console error, in light and dark', { skip }, async () => {
  const id = await (await fetch(`${server.base}/api/flows?protocol=HTTP&limit=1`)).json() as { flows: { id: string }[] };
  const pages: [string, string][] = [
    ['overview', '/'], ['flows', '/flows'], ['flow', `/flows/${id.flows[0]!.id}`], ['host', '/hosts/192.0.2.10'], ['hostname', '/hosts/test'], ['risks', '/risks'],
  ];
  for (const dark of [false, true]) {
    for (const [name, path] of pages) {
      const { page, errors } = await open(path, { dark });
      assert.deepEqual(errors, [], `${path}${dark ? ' (dark)' : ''}`);
      assert.equal(await page.locator('.error').count(), 0, `${path}: ${await page.locator('.error').allTextContents()}`);
      assert.ok((await page.locator('h1').textContent())!.length > 0);
      await page.screenshot({ path: join(shots, `${name}${dark ? '-dark' : ''}.png`), fullPage: true });
      await page.context().close();
    }
  }
});

test('charts draw: stacked areas on canvases, the identification share, alert timelines', { skip }, async () => {
  const { page } = await open('/');
  for (const id of ['#tl_app', '#tl_cat']) assert.ok((await paintedPixels(page, id)) > 2000, `${id} has paint`);
  assert.ok((await page.locator('.share span').count()) >= 2);
  assert.ok((await page.locator('svg.timeline rect').count()) >= 2, 'the two alerts on their timeline');
  assert.ok((await page.locator('.u-legend .u-series').count()) >= 3, 'a legend of series');
  const flow = await open('/risks');
  assert.ok((await flow.page.locator('#risk-table tbody tr').count()) >= 1);
  await page.context().close();
  await flow.page.context().close();
});

test('a filter narrows the flow table, kept in the URL; a click opens a flow', { skip }, async () => {
  const { page, errors } = await open('/flows');
  const count = async (): Promise<number> => Number(((await page.locator('#flow-count').textContent()) ?? '').replace(/[^\d]/g, ''));
  const all = await count();
  assert.ok(all > 100, `${all} flows listed`);
  await page.fill('input[name=protocol]', 'DNS');
  await page.click('#flow-filters button[type=submit]');
  await page.waitForURL(/protocol=DNS/);
  await ready(page);
  const dns = await count();
  assert.ok(dns > 0 && dns < all, `DNS: ${dns} of ${all}`);
  const cells = await page.locator('#flow-table tbody tr td:nth-child(6)').allTextContents();
  assert.ok(cells.length > 0 && cells.every((c) => c === 'DNS'), cells.join(','));
  // reload: the filter comes back from the URL
  await page.reload();
  await ready(page);
  assert.equal(await count(), dns);
  assert.equal(await page.inputValue('input[name=protocol]'), 'DNS');
  // sorting by bytes
  await page.click('th[data-sort=bytes]');
  await page.waitForURL(/sort=bytes/);
  await ready(page);
  // a click opens the flow
  const first = page.locator('#flow-table tbody tr').first();
  const flowId = await first.getAttribute('data-flow');
  await first.locator('a').first().click();
  await page.waitForURL(new RegExp(`/flows/${flowId}$`));
  await ready(page);
  assert.match((await page.locator('h1').textContent())!, /DNS/);
  assert.ok((await page.locator('table.fields tr').count()) > 40, 'every field');
  // the first packets are drawn when the flow's run stored them (--store-features), else the page says so
  const stored = ((await (await page.request.get(new URL(`/api/flows/${flowId}`, page.url()).toString())).json()) as { flow: Record<string, unknown> }).flow;
  if (Array.isArray(stored.early_sizes)) assert.ok((await page.locator('svg.packets rect').count()) >= 1, 'the first packets drawn');
  else assert.match((await page.locator('section.panel.wide').first().textContent())!, /Not stored: .*--store-features/);
  await page.goBack();
  await ready(page);
  assert.match(page.url(), /protocol=DNS/);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('the time picker and a drag across a chart change the range and the charts', { skip }, async () => {
  const { page, errors } = await open('/');
  const before = await page.$eval('#tl_app canvas', (c) => (c as HTMLCanvasElement).toDataURL());
  const flowsBefore = await page.locator('.card .v').first().textContent();
  await page.click('button[data-span="1 h"]');
  await page.waitForURL(/from=\d+&to=\d+/);
  await ready(page);
  const after1h = await page.$eval('#tl_app canvas', (c) => (c as HTMLCanvasElement).toDataURL());
  assert.notEqual(after1h, before, 'the chart is redrawn for the last hour');
  assert.notEqual(await page.locator('.card .v').first().textContent(), flowsBefore, 'fewer flows in the last hour');
  assert.equal(await page.locator('button[data-span="1 h"].on').count(), 1);
  // drag across the middle of the chart: a narrower range
  const url1 = new URL(page.url());
  const box = (await page.locator('#tl_app .u-over').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await page.waitForURL((u) => u.searchParams.get('from') !== url1.searchParams.get('from'));
  await ready(page);
  const url2 = new URL(page.url());
  const span1 = Number(url1.searchParams.get('to')) - Number(url1.searchParams.get('from'));
  const span2 = Number(url2.searchParams.get('to')) - Number(url2.searchParams.get('from'));
  assert.ok(span2 < span1 * 0.5 && span2 > 0, `zoomed from ${span1} s to ${span2} s`);
  await page.click('button[data-span=all]');
  await page.waitForURL((u) => !u.searchParams.has('from'));
  await ready(page);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('the theme toggle switches to dark and back; a phone-sized screen has one column', { skip }, async () => {
  const { page } = await open('/');
  const bg = (): Promise<string> => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await bg();
  await page.click('#theme');
  await ready(page);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  const dark = await bg();
  assert.notEqual(dark, light);
  const [r, g, b] = dark.match(/\d+/g)!.map(Number);
  assert.ok(r! + g! + b! < 120, `dark background ${dark}`);
  assert.ok((await paintedPixels(page, '#tl_app')) > 2000, 'charts redrawn in the dark theme');
  await page.screenshot({ path: join(shots, 'overview-toggled-dark.png'), fullPage: true });
  await page.click('#theme');
  await ready(page);
  assert.equal(await bg(), light);
  await page.context().close();
  const phone = await open('/', { width: 390, height: 844 });
  const widths = await phone.page.$$eval('.grid > *', (els) => els.map((e) => e.getBoundingClientRect().width));
  assert.ok(widths.every((w) => w <= 390), `panels fit the phone: ${widths.join(', ')}`);
  const scroll = await phone.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scroll <= 400, `no sideways scrolling of the page: ${scroll}`);
  await phone.page.screenshot({ path: join(shots, 'overview-phone.png'), fullPage: true });
  await phone.page.context().close();
});
