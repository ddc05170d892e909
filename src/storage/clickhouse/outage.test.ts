import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { repoPath } from '../../test-support/paths.js';
import { type FlowRows } from '../tables.js';
import { captureFlows, manyFlows, testRun } from '../../test-support/clickhouse-flows.js';
import { ClickHouseSink, type ClickHouseSinkOptions } from './sink.js';
import { clickHouseMissing, type ClickHouseTestServer, withServer } from '../../test-support/clickhouse-server.js';

// Nothing lost, nothing twice: the server dies in the middle of a run, stays down past its end,
// or answers are lost after ClickHouse has taken the rows; every flow ends up stored exactly once.

const skip = clickHouseMissing();
const counters = { packets: 0, bytes: 0, flows: 0 };

const sinkFor = (url: string, spoolDir: string, warnings: string[], options: Partial<ClickHouseSinkOptions> = {}): ClickHouseSink =>
  new ClickHouseSink({ url, spoolDir, batchRows: 50, retry: { attempts: 3, firstDelayMs: 30 }, timeoutMs: 5000, onWarning: (m) => warnings.push(m), ...options });

let template: FlowRows | null = null;
const flows = async (count: number): Promise<FlowRows[]> => {
  template ??= (await captureFlows(repoPath('test', 'fixtures', 'sample.pcap'))).rows[0]!;
  return manyFlows(template, count, 1_700_000_000);
};

/** count(), distinct flow ids, and dns rows of a run: each must equal the flows sent */
async function stored(server: ClickHouseTestServer, runId: number): Promise<{ rows: number; distinct: number; dns: number }> {
  const [rows, distinct] = (await server.query(`SELECT count(), uniqExact(flow_id) FROM sonde.flows WHERE run_id = ${runId} FORMAT TabSeparated`)).trim().split('\t').map(Number);
  const dns = Number(await server.query(`SELECT count() FROM sonde.dns WHERE run_id = ${runId}`));
  return { rows: rows!, distinct: distinct!, dns };
}

test('ClickHouse killed in the middle of a run and restarted: every flow stored exactly once', { skip }, async () => {
  const all = await flows(3000); // 60 batches
  await withServer(async (server) => {
    const warnings: string[] = [];
    const sink = sinkFor(server.url, join(server.dir, 'spool'), warnings);
    await sink.begin(testRun(1, 'probe'));
    let stopping: Promise<void> | null = null;
    for (const [i, rows] of all.entries()) {
      sink.add(i, rows);
      if ((i + 1) % 50 !== 0) continue;
      const batch = (i + 1) / 50;
      // killed while batch 15 is on its way: it may or may not have reached the tables
      const draining = sink.drain();
      if (batch === 15) stopping = server.stop('SIGKILL');
      await draining;
      if (batch === 30) {
        await stopping;
        assert.ok((await readdir(join(server.dir, 'spool'))).length >= 10, 'batches spooled while the server was down');
        await server.restart();
      }
    }
    await sink.end('completed', counters);
    assert.deepEqual(await stored(server, 1), { rows: 3000, distinct: 3000, dns: 3000 });
    assert.equal(sink.report.flowsWritten, 3000);
    assert.equal(sink.report.flowsSpooled, 0);
    assert.deepEqual(await readdir(join(server.dir, 'spool')), []);
    // one line when the outage begins, one when it ends: none per retry or spooled batch
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings[0]!, /^cannot write to 127\.0\.0\.1:\d+: (connect ECONNREFUSED|socket hang up|read ECONNRESET|sonde\.\w+: )/);
    assert.match(warnings[0]!, /; retrying, and keeping batches in .*spool until the server answers$/);
    assert.match(warnings[1]!, /^127\.0\.0\.1:\d+ answers again; wrote \d+ spooled batch\(es\) from .*spool$/);
    assert.equal((await server.query("SELECT status FROM sonde.runs FINAL WHERE run_id = 1")).trim(), 'completed');
  });
});

test('ClickHouse down until after the run: end() reports the spooled flows, the next run writes them', { skip }, async () => {
  const all = await flows(500);
  await withServer(async (server) => {
    const spool = join(server.dir, 'spool');
    const warnings: string[] = [];
    const first = sinkFor(server.url, spool, warnings);
    await first.begin(testRun(1, 'probe'));
    for (const [i, rows] of all.entries()) {
      first.add(i, rows);
      if (i === 199) {
        await first.drain();
        await server.stop('SIGTERM');
      }
      if (i % 50 === 49) await first.drain();
    }
    await first.end('completed', counters);
    // batches 5 to 10 waited in the spool; batch 4, on its way when the server stopped, may have too
    const spooled = first.report.flowsSpooled;
    assert.ok(spooled >= 300 && spooled <= 350, `${spooled} flows spooled`);
    assert.equal(first.report.flowsWritten, 500 - spooled);
    // flows and their dns rows; batch 4 may have kept only its dns rows
    assert.ok(first.report.rowsSpooled >= 600 && first.report.rowsSpooled <= 2 * spooled, `${first.report.rowsSpooled} rows spooled`);
    // a connection that failed names the server, not a table
    assert.match(first.report.lastError ?? '', /^connect ECONNREFUSED/);

    await server.restart();
    const second = sinkFor(server.url, spool, warnings);
    await second.begin(testRun(2, 'probe'));
    await second.end('completed', counters);
    assert.deepEqual(await stored(server, 1), { rows: 500, distinct: 500, dns: 500 });
    assert.equal(second.report.flowsWritten, spooled);
    assert.equal(second.report.flowsSpooled, 0);
    // run 1's end row waited in the spool too, behind its flows
    const runs = (await server.query('SELECT run_id, status, flows_spooled FROM sonde.runs FINAL ORDER BY run_id FORMAT TabSeparated')).trim();
    assert.equal(runs, `1\tcompleted\t${spooled}\n2\tcompleted\t0`);
  });
});

/**
 * A proxy in front of ClickHouse that, for inserts `lose` picks (by their query and how many times
 * the same insert was tried), passes the request on (or only
 * its first `keepLines` lines) and then cuts the connection instead of answering: ClickHouse has
 * the rows, the sink does not know it.
 */
function lossyProxy(upstreamPort: number, lose: (query: string, nth: number) => { keepLines?: number } | null): Promise<{ server: Server; url: string; lost: number }> {
  const seen = new Map<string, number>();
  const state = { lost: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const params = new URL(req.url ?? '/', 'http://x').searchParams;
      const query = params.get('query') ?? '';
      // the sink gives every attempt at the same batch and table the same query_id
      const attempt = params.get('query_id') ?? '';
      const nth = (seen.get(attempt) ?? 0) + 1;
      seen.set(attempt, nth);
      const loss = query.startsWith('INSERT') ? lose(query, nth) : null;
      let body = Buffer.concat(chunks);
      if (loss?.keepLines !== undefined) body = Buffer.from(body.toString('utf8').split('\n').slice(0, loss.keepLines).join('\n') + '\n');
      const upstream = request({ host: '127.0.0.1', port: upstreamPort, path: req.url, method: req.method, agent: false }, (answer: IncomingMessage) => {
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', () => {
          if (loss) {
            state.lost++;
            req.socket.destroy();
          } else {
            res.writeHead(answer.statusCode ?? 500, { 'Content-Type': 'text/plain' });
            res.end(Buffer.concat(parts));
          }
        });
      });
      upstream.on('error', () => req.socket.destroy());
      upstream.end(body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const result = { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, get lost() { return state.lost; } };
      resolve(result);
    }),
  );
}

test('answers lost after ClickHouse took the rows (all or half of them): no row twice, none missing', { skip }, async () => {
  const all = await flows(400); // 8 batches
  await withServer(async (server) => {
    const insertsOf = new Map<string, number>();
    const proxy = await lossyProxy(server.ports.http, (query, nth) => {
      if (nth > 1) return null; // only the first attempt of an insert
      const table = /INSERT INTO `sonde`\.`(\w+)`/.exec(query)![1]!;
      const n = (insertsOf.get(table) ?? 0) + 1;
      insertsOf.set(table, n);
      if (table === 'flows' && n === 2) return {}; // all rows stored, answer lost
      if (table === 'flows' && n === 4) return { keepLines: 20 }; // 20 of 50 rows stored, answer lost
      if (table === 'dns' && n === 3) return {};
      return null;
    });
    try {
      const warnings: string[] = [];
      const sink = sinkFor(proxy.url, join(server.dir, 'spool'), warnings);
      await sink.begin(testRun(5, 'probe'));
      for (const [i, rows] of all.entries()) {
        sink.add(i, rows);
        await sink.drain();
      }
      await sink.end('completed', counters);
      assert.equal(proxy.lost, 3);
      assert.equal(warnings.filter((w) => /socket hang up|ECONNRESET/.test(w)).length, 3, warnings.join('\n'));
      assert.deepEqual(await stored(server, 5), { rows: 400, distinct: 400, dns: 400 });
      assert.equal(sink.report.flowsWritten, 400);
      assert.equal(sink.report.rowsWritten, 800);
    } finally {
      proxy.server.close();
    }
  });
});
