import { BenchError, benchStore } from './bench-store.js';
import { type ServeProcess, startServe } from '../test-support/serve-process.js';

// `npm run bench:serve [-- N] [--rounds R] [--clickhouse URL [--cluster]]`: the dashboard's API
// over a store of N flows (default 1,000,000, built from real captures: see bench-store.ts).
// Every endpoint is asked with several filters, R times each (default 7, the first answer
// counted too); the target is a median under 300 ms and a worst under 1 s for every endpoint.

const MEDIAN_TARGET_MS = 300;
const WORST_TARGET_MS = 1000;

interface Case {
  endpoint: string;
  path: string;
}

function fail(message: string): never {
  process.stderr.write(`bench:serve: ${message}\n`);
  process.exit(2);
}

async function getJson(base: string, path: string): Promise<unknown> {
  const res = await fetch(`${base}${path}`);
  const body = await res.json();
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** the cases: each endpoint without a filter, with a narrow one, and with a time range */
async function cases(base: string): Promise<Case[]> {
  const s = (await getJson(base, '/api/summary')) as { first_seen: number; last_seen: number };
  const apps = (await getJson(base, '/api/top/applications?limit=3')) as { name: string }[];
  const hosts = (await getJson(base, '/api/top/hosts?limit=2')) as { name: string }[];
  const talkers = (await getJson(base, '/api/top/talkers?limit=2')) as { address: string }[];
  const page = (await getJson(base, '/api/flows?limit=3&sort=bytes')) as { flows: { id: string }[] };
  const app = encodeURIComponent(apps[1]?.name ?? 'TLS');
  const host = encodeURIComponent((hosts[0]?.name ?? 'example.com').split('.').slice(-2).join('.'));
  const addr = encodeURIComponent(talkers[0]?.address ?? '10.0.0.1');
  const day = `from=${Math.floor(s.last_seen - 86400)}&to=${Math.ceil(s.last_seen)}`;
  const c: Case[] = [];
  const add = (endpoint: string, ...paths: string[]): void => {
    for (const p of paths) c.push({ endpoint, path: p });
  };
  add('/api/summary', '/api/summary', `/api/summary?application=${app}`, `/api/summary?${day}`);
  add('/api/timeline', '/api/timeline', '/api/timeline?by=category&metric=flows', `/api/timeline?host=${host}`, `/api/timeline?${day}`, `/api/timeline?address=${addr}`);
  add('/api/top/applications', '/api/top/applications', `/api/top/applications?${day}`, `/api/top/applications?address=${addr}`);
  add('/api/top/categories', '/api/top/categories', `/api/top/categories?${day}`);
  add('/api/top/hosts', '/api/top/hosts', `/api/top/hosts?application=${app}`);
  add('/api/top/talkers', '/api/top/talkers', `/api/top/talkers?${day}`, `/api/top/talkers?application=${app}`);
  add('/api/top/ports', '/api/top/ports', `/api/top/ports?${day}`);
  add('/api/top/risks', '/api/top/risks', '/api/top/risks?severity=high');
  add('/api/top/peers', `/api/top/peers?address=${addr}`, `/api/top/peers?host=${host}`);
  add('/api/flows', '/api/flows', `/api/flows?application=${app}`, '/api/flows?sort=bytes&order=desc', '/api/flows?sort=bytes&offset=500000', `/api/flows?host=${host}&sort=duration`, `/api/flows?address=${addr}&${day}`, '/api/flows?risk=unidirectional_traffic&sort=src&order=asc');
  add('/api/flows/:id', ...page.flows.map((f) => `/api/flows/${f.id}`));
  add('/api/alerts', '/api/alerts', `/api/alerts?${day}`);
  add('/api/runs', '/api/runs');
  add('/api/options', '/api/options');
  return c;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let flows = 1_000_000;
  let rounds = 7;
  let clickhouse: string | null = null;
  let cluster = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--rounds') rounds = Number(argv[++i]);
    else if (a === '--clickhouse') clickhouse = argv[++i] ?? null;
    else if (a === '--cluster') cluster = true;
    else if (/^\d+$/.test(a)) flows = Number(a);
    else fail(`unknown argument '${a}' (usage: bench:serve [-- N] [--rounds R] [--clickhouse URL [--cluster]])`);
  }
  if (!Number.isInteger(rounds) || rounds < 1) fail('--rounds needs a whole number ≥ 1');
  let source: string[];
  let label: string;
  if (clickhouse) {
    source = ['--clickhouse', clickhouse, ...(cluster ? ['--cluster'] : [])];
    label = `ClickHouse ${clickhouse}${cluster ? ' (cluster)' : ''}`;
  } else {
    try {
      const db = await benchStore(flows);
      source = ['--db', db];
      label = `${flows.toLocaleString('en-US')} flows in ${db}`;
    } catch (e) {
      if (e instanceof BenchError) fail(e.message);
      throw e;
    }
  }
  let server: ServeProcess | null = null;
  try {
    server = await startServe(source, 60_000);
    const list = await cases(server.base);
    const times = new Map<string, number[]>();
    for (let r = 0; r < rounds; r++) {
      for (const c of list) {
        const t0 = performance.now();
        await getJson(server.base, c.path);
        const ms = performance.now() - t0;
        if (!times.has(c.endpoint)) times.set(c.endpoint, []);
        times.get(c.endpoint)!.push(ms);
      }
      process.stderr.write(`round ${r + 1}/${rounds}\n`);
    }
    const width = Math.max(...[...times.keys()].map((k) => k.length));
    let met = true;
    process.stdout.write(`\n${label}; ${rounds} rounds of ${list.length} requests\n\n| endpoint | requests | median ms | worst ms |\n|---|---:|---:|---:|\n`);
    const all: number[] = [];
    for (const [endpoint, ms] of times) {
      const m = median(ms);
      const w = Math.max(...ms);
      all.push(...ms);
      if (m >= MEDIAN_TARGET_MS || w >= WORST_TARGET_MS) met = false;
      process.stdout.write(`| ${endpoint.padEnd(width)} | ${ms.length} | ${m.toFixed(0)} | ${w.toFixed(0)} |\n`);
    }
    process.stdout.write(`| all | ${all.length} | ${median(all).toFixed(0)} | ${Math.max(...all).toFixed(0)} |\n\n`);
    process.stdout.write(`target (every endpoint: median < ${MEDIAN_TARGET_MS} ms, worst < ${WORST_TARGET_MS} ms): ${met ? 'met' : 'NOT met'}\n`);
  } finally {
    await server?.stop();
  }
}

await main();
