import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoPath } from '../../test-support/paths.js';
import { storedTables } from '../tables.js';
import { captureFlows, testRun } from '../../test-support/clickhouse-flows.js';
import { ClickHouseSink } from './sink.js';
import { clickHouseMissing, ClickHouseTestServer } from '../../test-support/clickhouse-server.js';

// Several probes, one cluster: two clickhouse-server processes, each a shard of the cluster
// `sonde_probes`; probe A writes sample.pcap into its server's local tables, probe B writes
// tunnels.pcap through the Distributed tables of its own server. A query through either server's
// `flows_all` sees every flow of both, once, and the same flows `sonde analyze --format jsonl` prints;
// `alerts_all` sees each probe's alert, its end row the latest.

const skip = clickHouseMissing();
const CLUSTER = 'sonde_probes';

/** the flow key of a record: enough to tell the flows of these captures apart */
const keyOf = (r: Record<string, unknown>): string => [r.src, r.sport, r.dst, r.dport, r.first_seen].join(' ');

async function cliRecords(capture: string): Promise<Record<string, unknown>[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [repoPath('bin', 'sonde'), 'analyze', capture, '--format', 'jsonl', '--no-store'], { maxBuffer: 64 << 20 });
  return stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('two probes, two shards: the Distributed tables return every flow of both probes exactly once', { skip }, async () => {
  const captures = { 'probe-a': repoPath('test', 'fixtures', 'sample.pcap'), 'probe-b': repoPath('test', 'fixtures', 'tunnels.pcap') };
  const [servers] = await Promise.all([ClickHouseTestServer.startCluster(2, CLUSTER)]);
  const [a, b] = servers as [ClickHouseTestServer, ClickHouseTestServer];
  try {
    const warnings: string[] = [];
    const options = { cluster: CLUSTER, batchRows: 4, retry: { attempts: 3, firstDelayMs: 50 }, onWarning: (m: string) => warnings.push(m) };
    const sinks = {
      'probe-a': new ClickHouseSink({ ...options, url: a.url, spoolDir: join(a.dir, 'spool') }),
      'probe-b': new ClickHouseSink({ ...options, url: b.url, spoolDir: join(b.dir, 'spool'), insertInto: 'distributed' }),
    };
    // every node needs its local tables before a Distributed insert or query reaches it
    await Promise.all(Object.values(sinks).map((s) => s.ensureSchema()));

    const expected = new Map<string, { keys: string[]; protocolRows: Map<string, number> }>();
    await Promise.all(
      Object.entries(sinks).map(async ([probe, sink]) => {
        const { rows, records } = await captureFlows(captures[probe as keyof typeof captures]);
        const protocolRows = new Map<string, number>();
        for (const r of rows) for (const p of r.protocols) protocolRows.set(storedTables()[p.table]!.name, (protocolRows.get(storedTables()[p.table]!.name) ?? 0) + 1);
        expected.set(probe, { keys: records.map(keyOf).sort(), protocolRows });
        // the same run id on both probes: flows are told apart by (probe, flow_id)
        await sink.begin(testRun(1, probe, [captures[probe as keyof typeof captures]]));
        for (const [i, r] of rows.entries()) {
          sink.add(i, r);
          await sink.drain();
        }
        const alert = {
          kind: 'syn_flood' as const, target: probe === 'probe-a' ? '192.0.2.1' : '192.0.2.2', protocol: 'tcp', start: '2026-01-05T10:00:00.000000Z', end: '2026-01-05T10:00:01.000000Z',
          packets: 4000, bytes: 240_000, peak_pps: 4000, peak_bps: 1_920_000, sources: 900, destinations: 1, ports: 1, top_sources: [], evidence: 'test', ongoing: true,
        };
        sink.addAlert(0, alert, 'start');
        sink.addAlert(0, { ...alert, ongoing: false }, 'end');
        await sink.end('completed', { packets: 0, bytes: 0, flows: rows.length });
        assert.equal(sink.report.flowsWritten, rows.length, warnings.join('\n'));
      }),
    );

    for (const [probe, capture] of Object.entries(captures)) {
      const cli = (await cliRecords(capture)).map(keyOf).sort();
      assert.deepEqual(cli, expected.get(probe)!.keys, `${probe}: the flows sonde analyze prints`);
    }
    for (const node of [a, b]) {
      const counts = (await node.query('SELECT probe, count(), uniqExact(flow_id) FROM sonde.flows_all GROUP BY probe ORDER BY probe FORMAT TabSeparated')).trim();
      assert.equal(counts, [...expected].sort(([a], [b]) => a.localeCompare(b)).map(([probe, e]) => `${probe}\t${e.keys.length}\t${e.keys.length}`).join('\n'), `through ${node.url}`);
      for (const [probe, e] of expected) {
        const stored = (await node.query(`SELECT src, sport, dst, dport, first_seen FROM sonde.flows_all WHERE probe = '${probe}' FORMAT JSONEachRow`))
          .split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>)
          .map((r) => keyOf({ ...r, sport: Number(r.sport), dport: Number(r.dport) })).sort();
        assert.deepEqual(stored, e.keys, `${probe} through ${node.url}`);
        for (const [table, n] of e.protocolRows) {
          assert.equal(Number(await node.query(`SELECT count() FROM sonde.${table}_all WHERE probe = '${probe}'`)), n, `${probe} ${table}`);
        }
      }
      const runs = (await node.query('SELECT probe, argMax(status, revision) FROM sonde.runs_all GROUP BY probe, run_id ORDER BY probe FORMAT TabSeparated')).trim();
      assert.equal(runs, 'probe-a\tcompleted\nprobe-b\tcompleted');
      const alerts = (await node.query('SELECT probe, target, argMax(ongoing, revision) FROM sonde.alerts_all GROUP BY probe, run_id, alert_id, target ORDER BY probe FORMAT TabSeparated')).trim();
      assert.equal(alerts, 'probe-a\t192.0.2.1\t0\nprobe-b\t192.0.2.2\t0', `alerts through ${node.url}`);
    }
    // probe A's rows stay on its own node; probe B's are spread over both shards by flow_id
    const local = async (node: ClickHouseTestServer, probe: string): Promise<number> => Number(await node.query(`SELECT count() FROM sonde.flows WHERE probe = '${probe}'`));
    assert.equal(await local(b, 'probe-a'), 0);
    assert.ok((await local(a, 'probe-b')) > 0 && (await local(b, 'probe-b')) > 0);
  } finally {
    await Promise.all([a.dispose(), b.dispose()]);
  }
});
