import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../dpi/index.js'; // registers the dissectors' fields: the protocol tables
import { serverMessage } from './http.js';
import { flowTables, RUNS_TABLE } from './schema.js';
import { ClickHouseSink } from './sink.js';
import { testRun } from '../../test-support/clickhouse-flows.js';
import { type FlowRows, storedTables } from '../tables.js';

// Error answers and malformed answers become one-line messages that name the table and carry the
// first line of ClickHouse's exception; the batch waits in the spool. No ClickHouse needed: a fake
// server answers.

type Answer = { status: number; body: string };

/** A fake ClickHouse: `answer`, or else success (system.columns lists the sink's columns, counts are 0). */
async function fakeClickHouse(answer: (sql: string) => Answer | null): Promise<{ server: Server; url: string }> {
  const columns = [RUNS_TABLE, ...flowTables()].flatMap((t) => t.columns.map((c) => `${t.name}\t${c.name}`)).join('\n') + '\n';
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const sql = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? body;
      const a: Answer = answer(sql) ?? (sql.includes('FROM system.columns') ? { status: 200, body: columns } : sql.includes('count()') ? { status: 200, body: '0\n' } : { status: 200, body: '' });
      res.writeHead(a.status, a.status === 502 ? 'Bad Gateway' : undefined, { 'Content-Type': 'text/plain' });
      res.end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

const oneFlow = (): FlowRows => ({ flow: storedTables()[0]!.columns.map(() => null), protocols: [] });

const EXCEPTION = 'Code: 241, e.displayText() = DB::Exception: Memory limit (for query) exceeded: would use 9.31 GiB, e.what() = DB::Exception\n\n0. clickhouse-server(StackTrace::StackTrace()+0x16) [0x55]\n1. ...\n';

test('server messages: the first line of an exception; HTTP status and first line of anything else', () => {
  assert.equal(serverMessage(500, 'Internal Server Error', EXCEPTION), EXCEPTION.split('\n')[0]);
  assert.equal(serverMessage(500, '', 'Code: 60. DB::Exception: Table sonde.flows does not exist. (UNKNOWN_TABLE) (version 24.3.1)\n'), 'Code: 60. DB::Exception: Table sonde.flows does not exist. (UNKNOWN_TABLE) (version 24.3.1)');
  assert.equal(serverMessage(502, 'Bad Gateway', '<html>\n<head><title>502</title></head>\n</html>'), 'HTTP 502 Bad Gateway: <html>');
  assert.equal(serverMessage(404, 'Not Found', ''), 'HTTP 404 Not Found');
  assert.equal(serverMessage(500, '', 'x'.repeat(1000)).length, 'HTTP 500 : '.length + 300);
});

test('error answers: one-line messages naming the table, the batch spooled; malformed answers to the checks too', async () => {
  const spoolDir = await mkdtemp(join(tmpdir(), 'sonde-clickhouse-spool-'));
  let mode: 'exception' | 'proxy' | 'garbage count' | 'garbage ids' = 'exception';
  const fake = await fakeClickHouse((sql) => {
    if (mode === 'exception' && sql.startsWith('INSERT')) return { status: 500, body: EXCEPTION };
    if (mode === 'proxy' && sql.startsWith('INSERT')) return { status: 502, body: '<html>\n<head><title>502 Bad Gateway</title></head>\n</html>\n' };
    if (mode === 'garbage count' && sql.includes('system.processes')) return { status: 200, body: '<html>hello</html>\n' };
    if (mode === 'garbage ids' && sql.includes('SELECT flow_id')) return { status: 200, body: '12\nnot an id\n' };
    return null;
  });
  try {
    const warnings: string[] = [];
    const sinkWith = (): ClickHouseSink => new ClickHouseSink({ url: fake.url, spoolDir, retry: { attempts: 2, firstDelayMs: 1 }, onWarning: (m) => warnings.push(m) });
    const sink = sinkWith();
    await sink.begin(testRun(3, 'p'));
    sink.add(0, oneFlow());
    await sink.end('completed', { packets: 1, bytes: 1, flows: 1 });
    assert.equal(sink.report.flowsSpooled, 1);
    assert.equal(sink.report.lastError, `sonde.runs: ${EXCEPTION.split('\n')[0]}`);
    assert.ok(warnings.length > 0);
    for (const w of warnings) assert.doesNotMatch(w, /\n/);
    // one line for the outage, none per retry or spooled batch
    assert.deepEqual(warnings, [`cannot write to ${new URL(fake.url).host}: sonde.runs: ${EXCEPTION.split('\n')[0]}; retrying, and keeping batches in ${spoolDir} until the server answers`]);
    assert.equal((await readdir(spoolDir)).length, 3, 'the begin row, the batch, the end row');

    const replay = async (): Promise<string | null> => {
      const s = sinkWith();
      await s.begin(testRun(4, 'p'));
      await s.end('completed', { packets: 0, bytes: 0, flows: 0 });
      return s.report.lastError;
    };
    mode = 'proxy';
    assert.equal(await replay(), 'sonde.runs: HTTP 502 Bad Gateway: <html>');
    // runs rows are written without a check (a repeat is harmless); the flows batch is checked
    mode = 'garbage count';
    assert.equal(await replay(), "sonde.flows: malformed answer to a count: '<html>hello</html>'");
    mode = 'garbage ids';
    assert.equal(await replay(), "sonde.flows: malformed answer to the batch check: 'not an id'");
    mode = 'exception';
    assert.equal((await readdir(spoolDir)).filter((n) => n.includes('-3-')).length, 2, 'run 3 still waits: its batch and end row');
  } finally {
    fake.server.close();
    await rm(spoolDir, { recursive: true, force: true });
  }
});
