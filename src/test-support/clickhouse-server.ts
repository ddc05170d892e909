import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { clickHouseRequest } from '../storage/clickhouse/http.js';

// For tests only: throwaway clickhouse-server processes on 127.0.0.1, each in a temporary directory
// (see scratchDir) with a generated config. The XML config has the `<yandex>` root, which Debian's 18.16 requires and
// current releases still accept. Ports come from the OS (never fixed), so tests run side by side.

export const CLICKHOUSE_SERVER = process.env.CLICKHOUSE_SERVER ?? '/usr/sbin/clickhouse-server';

/** The reason to skip ClickHouse tests, or false when the server binary is there. */
export const clickHouseMissing = (): string | false =>
  existsSync(CLICKHOUSE_SERVER) ? false : `clickhouse-server not found at ${CLICKHOUSE_SERVER} (install clickhouse-server or set CLICKHOUSE_SERVER)`;

export interface ServerPorts {
  http: number;
  tcp: number;
  interserver: number;
}

/** A port the OS says is free now (listen on port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function allocatePorts(): Promise<ServerPorts> {
  return { http: await freePort(), tcp: await freePort(), interserver: await freePort() };
}

export interface ClusterDefinition {
  name: string;
  /** one shard per server, by its native (tcp) port */
  shards: ServerPorts[];
}

/**
 * Where servers keep their data: CLICKHOUSE_TEST_DIR, else /dev/shm when there is one (each insert
 * writes a file per column; on tmpfs a test's batches take a tenth of the time they take on a
 * disk), else the system's temporary directory.
 */
function scratchDir(): string {
  if (process.env.CLICKHOUSE_TEST_DIR) return process.env.CLICKHOUSE_TEST_DIR;
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

/** every server started and not yet stopped: killed if the test process exits without stopping them */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

export class ClickHouseTestServer {
  private process: ChildProcess | null = null;

  private constructor(
    /** the temporary directory holding config, data and logs */
    readonly dir: string,
    readonly ports: ServerPorts,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.ports.http}`;
  }

  /** Writes the config and starts the server; resolves when it answers /ping. */
  static async start(options: { ports?: ServerPorts; cluster?: ClusterDefinition } = {}): Promise<ClickHouseTestServer> {
    // test files run side by side: a port found free may be taken before the server binds it, so
    // a server given no ports tries fresh ones when that happens
    for (let attempt = 1; ; attempt++) {
      try {
        return await ClickHouseTestServer.startOnce(options);
      } catch (e) {
        if (options.ports || attempt >= 3 || !/Address already in use/.test(String(e))) throw e;
      }
    }
  }

  private static async startOnce(options: { ports?: ServerPorts; cluster?: ClusterDefinition }): Promise<ClickHouseTestServer> {
    const dir = await mkdtemp(join(scratchDir(), 'sonde-clickhouse-'));
    const server = new ClickHouseTestServer(dir, options.ports ?? (await allocatePorts()));
    try {
      await server.writeConfig(options.cluster);
      await server.restart();
    } catch (e) {
      await server.dispose();
      throw e;
    }
    return server;
  }

  /** `count` servers that all know a cluster `name` with one shard on each of them. */
  static async startCluster(count: number, name: string): Promise<ClickHouseTestServer[]> {
    const ports: ServerPorts[] = [];
    for (let i = 0; i < count; i++) ports.push(await allocatePorts());
    const started = await Promise.allSettled(ports.map((p) => ClickHouseTestServer.start({ ports: p, cluster: { name, shards: ports } })));
    const servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await Promise.all(servers.map((s) => s.dispose()));
      throw failed.reason;
    }
    return servers;
  }

  private async writeConfig(cluster?: ClusterDefinition): Promise<void> {
    for (const sub of ['data', 'tmp', 'user_files', 'format_schemas', 'log']) await mkdir(join(this.dir, sub), { recursive: true });
    const shards = (cluster?.shards ?? [])
      .map((p) => `<shard><replica><host>127.0.0.1</host><port>${p.tcp}</port></replica></shard>`)
      .join('');
    const remoteServers = cluster ? `<remote_servers><${cluster.name}>${shards}</${cluster.name}></remote_servers>` : '';
    await writeFile(
      join(this.dir, 'config.xml'),
      `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${this.dir}/log/server.log</log>
    <errorlog>${this.dir}/log/server.err.log</errorlog>
    <size>10M</size>
    <count>1</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${this.ports.http}</http_port>
  <tcp_port>${this.ports.tcp}</tcp_port>
  <interserver_http_port>${this.ports.interserver}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>${this.dir}/data/</path>
  <tmp_path>${this.dir}/tmp/</tmp_path>
  <user_files_path>${this.dir}/user_files/</user_files_path>
  <format_schema_path>${this.dir}/format_schemas/</format_schema_path>
  <users_config>${this.dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>67108864</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  ${remoteServers}
</yandex>
`,
    );
    await writeFile(
      join(this.dir, 'users.xml'),
      `<?xml version="1.0"?>
<yandex>
  <profiles><default></default></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default></default></quotas>
</yandex>
`,
    );
  }

  /** Starts the server (again, on the same data and ports after stop()); resolves when it answers /ping. */
  async restart(): Promise<void> {
    if (this.process) throw new Error('the ClickHouse test server is running');
    const child = spawn(CLICKHOUSE_SERVER, [`--config-file=${join(this.dir, 'config.xml')}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
    let exited = false;
    child.once('exit', () => {
      exited = true;
      running.delete(child);
    });
    this.process = child;
    running.add(child);
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (!(await this.answersPing())) {
      if (exited || Date.now() > deadline) {
        const log = await readFile(join(this.dir, 'log', 'server.err.log'), 'utf8').catch(() => '');
        await this.stop('SIGKILL');
        throw new Error(`clickhouse-server did not start (${exited ? 'it exited' : 'no answer to /ping'}): ${(stderr + log).trim().split('\n').slice(-5).join(' | ')}`);
      }
      await sleep(50);
    }
  }

  // Requests open a connection each (no keep-alive): on SIGTERM the server waits for open
  // connections before it exits, which would slow every stop by seconds.
  private answersPing(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = get({ host: '127.0.0.1', port: this.ports.http, path: '/ping', agent: false, timeout: 1000 }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(res.statusCode === 200 && text.startsWith('Ok')));
        res.on('error', () => resolve(false));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
    });
  }

  /** Stops the server: SIGTERM lets it shut down, SIGKILL is a crash. Resolves once it has exited. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = null;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  /** A query's answer text; throws with ClickHouse's message on an error answer. */
  query(sql: string, body?: string): Promise<string> {
    return clickHouseRequest(new URL(this.url), body === undefined ? { params: {}, body: sql, timeoutMs: 30_000 } : { params: { query: sql }, body, timeoutMs: 30_000 });
  }

  /** Stops the server and removes its directory. */
  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Runs `f` against a fresh server in its own temporary directory, removed afterwards. */
export async function withServer(f: (server: ClickHouseTestServer) => Promise<void>): Promise<void> {
  const server = await ClickHouseTestServer.start();
  try {
    await f(server);
  } finally {
    await server.dispose();
  }
}
