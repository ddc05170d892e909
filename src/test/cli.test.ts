import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { FIXTURES_DIR, runSonde, SONDE_BIN } from '../test-support/golden.js';

// The command line as a user meets it: outputs, options, and one-line errors with exit codes.

const sample = join(FIXTURES_DIR, 'sample.pcap');
const lines = (s: string): Record<string, unknown>[] => s.split('\n').filter((l) => l).map((l) => JSON.parse(l) as Record<string, unknown>);

test('analyze prints a summary per application and category, how flows were identified, and anomalies', () => {
  const r = runSonde(['analyze', sample]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^sonde analyze: 1 capture, 39 packets/m);
  assert.match(r.stdout, /packets\/s/);
  assert.match(r.stdout, /^Identified by: dpi \d+ \([\d.]+%\), socket-cache \d+ \([\d.]+%\), dns-cache \d+ .*unknown \d+ \([\d.]+%\)$/m);
  assert.match(r.stdout, /^Application \/ protocol\s+Packets\s+Bytes\s+Flows\s+Category$/m);
  assert.match(r.stdout, /^HTTP\s+16\s+1,180\s+2\s+Web$/m);
  assert.match(r.stdout, /^ICMP\s+2\s+100\s+1\s+Network$/m);
  // every tunnel's inner DNS query is named from its payload; Teredo is named as its outer flow
  assert.match(r.stdout, /^DNS\s+13\s+1,298\s+13\s+Network$/m);
  assert.match(r.stdout, /^Teredo\s+2\s+177\s+1\s+Network$/m);
  // the reassembled datagrams to port 53 carry no DNS message: no port guess names them
  assert.match(r.stdout, /^Unknown UDP\s+4\s+4,708\s+2\s+Unspecified$/m);
  assert.match(r.stdout, /^Category\s+Packets\s+Bytes\s+Flows$/m);
  assert.match(r.stdout, /^Web\s+16\s+1,180\s+2$/m);
  const malformed = runSonde(['analyze', join(FIXTURES_DIR, 'malformed.pcap')]);
  assert.match(malformed.stdout, /truncated_link_header\s+1/);
  assert.match(malformed.stdout, /ip_length_exceeds_capture\s+1/);
  assert.match(malformed.stdout, /non-IP packets\s+1/);
});

test('--format jsonl writes one record per flow with the documented fields', () => {
  const r = runSonde(['analyze', '--format', 'jsonl', '--no-store', sample]);
  assert.equal(r.status, 0, r.stderr);
  const recs = lines(r.stdout);
  assert.equal(recs.length, 20);
  for (const field of ['capture', 'l4', 'ip_version', 'src', 'sport', 'dst', 'dport', 'vlan', 'tunnel', 'first_seen', 'last_seen',
    'packets_c2s', 'bytes_c2s', 'packets_s2c', 'bytes_s2c', 'conn_state', 'early_sizes', 'pktlen_mean_c2s', 'iat_mean_ms_c2s']) {
    assert.ok(field in recs[0]!, `missing field ${field}`);
  }
  assert.equal(recs[0]!['capture'], 'sample.pcap');
});

test('--udp-tunnels chooses the UDP tunnels decoded to their inner flows, on one thread or several', () => {
  const byProtocol = (records: Record<string, unknown>[]): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const r of records) counts[String(r['protocol'])] = (counts[String(r['protocol'])] ?? 0) + 1;
    return counts;
  };
  for (const workers of ['1', '2']) {
    // Teredo too: its inner IPv6 flow is a DNS query, and the outer flow is gone
    const all = runSonde(['analyze', '--format', 'jsonl', '--no-store', '--workers', workers, '--udp-tunnels', 'vxlan,geneve,gtpu,capwap,teredo', sample]);
    assert.equal(all.status, 0, all.stderr);
    const allCounts = byProtocol(lines(all.stdout));
    assert.equal(allCounts['DNS'], 14);
    assert.equal(allCounts['Teredo'], undefined);
    const teredoInner = lines(all.stdout).find((r) => r['tunnel'] === 'Teredo');
    assert.equal(teredoInner?.['ip_version'], 6);
    // none: VXLAN, GTP-U, CAPWAP and Teredo are named as their outer flows; GRE and IP-in-IP still decode
    const none = runSonde(['analyze', '--format', 'jsonl', '--no-store', '--workers', workers, '--udp-tunnels', 'none', sample]);
    assert.equal(none.status, 0, none.stderr);
    const noneCounts = byProtocol(lines(none.stdout));
    for (const outer of ['VXLAN', 'GTP_U', 'CAPWAP', 'Teredo']) assert.equal(noneCounts[outer], 1, outer);
    assert.ok(noneCounts['DNS']! < 13);
  }
  const bad = runSonde(['analyze', '--no-store', '--udp-tunnels', 'vxlan,ipsec', sample]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /option '--udp-tunnels' takes a comma list of vxlan, geneve, gtpu, capwap, teredo, or none; not 'ipsec'/);
});

test('-o FILE writes the records to a file and the summary to stdout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sonde-cli-'));
  const out = join(dir, 'flows.jsonl');
  const r = runSonde(['analyze', '-o', out, sample]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(lines(readFileSync(out, "utf8")).length, 20);
  assert.match(r.stdout, /^Application \/ protocol/m);
});

test("'-' reads a capture from standard input", () => {
  const r = runSonde(['analyze', '--format', 'jsonl', '-'], readFileSync(sample));
  assert.equal(r.status, 0, r.stderr);
  const recs = lines(r.stdout);
  assert.equal(recs.length, 20);
  assert.equal(recs[0]!['capture'], '-');
});

test('several inputs: a missing file and a non-capture are one-line errors, the good input is still processed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sonde-cli-'));
  const text = join(dir, 'notes.txt');
  writeFileSync(text, '<html>hello</html>');
  const r = runSonde(['analyze', '--format', 'jsonl', join(dir, 'missing.pcap'), text, sample]);
  assert.equal(r.status, 1);
  assert.equal(lines(r.stdout).length, 20);
  const errors = r.stderr.trim().split('\n');
  assert.equal(errors.length, 2, r.stderr);
  assert.match(errors[0]!, /^sonde: cannot open '.*missing\.pcap': no such file \(check the path\)$/);
  assert.match(errors[1]!, /notes\.txt: not a pcap or pcapng capture \(first bytes: 3c 68 74 6d.*"<htm/);
});

test('an unknown option or command is a usage error with exit 2', () => {
  const r = runSonde(['analyze', '--frobnicate', sample]);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, "sonde: unknown option '--frobnicate' for 'sonde analyze' (see 'sonde analyze --help')\n");
  assert.equal(r.stdout, '');
  const c = runSonde(['analyse', sample]);
  assert.equal(c.status, 2);
  assert.match(c.stderr, /unknown command 'analyse'/);
  const v = runSonde(['analyze', '--idle-timeout', 'soon', sample]);
  assert.equal(v.status, 2);
  assert.match(v.stderr, /'--idle-timeout' needs a number/);
  const none = runSonde(['analyze']);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no capture given/);
});

test('a capture cut mid-record warns and keeps every earlier record; a corrupt one is an error with what came before kept', () => {
  const cut = runSonde(['analyze', '--format', 'jsonl', join(FIXTURES_DIR, 'truncated-end.pcap')]);
  assert.equal(cut.status, 0);
  assert.match(cut.stderr, /warning: truncated last record/);
  assert.equal(lines(cut.stdout).length, 1);

  const dir = mkdtempSync(join(tmpdir(), 'sonde-cli-'));
  const data = Buffer.from(readFileSync(sample));
  // the 4th record's captured length becomes absurd
  let off = 24;
  for (let i = 0; i < 3; i++) off += 16 + data.readUInt32LE(off + 8);
  data.writeUInt32LE(0x7fffffff, off + 8);
  const corrupt = join(dir, 'corrupt.pcap');
  writeFileSync(corrupt, data);
  const r = runSonde(['analyze', '--format', 'jsonl', corrupt]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^sonde: .*corrupt\.pcap: error: corrupt record at byte \d+/);
  const recs = lines(r.stdout);
  // every flow is there: the records after the corrupt one are read too; only the HTTP request is lost
  assert.equal(recs.length, 20);
  assert.equal(recs[0]!['packets_c2s'], 4);
  assert.equal(recs.reduce((n, rec) => n + (rec['packets_c2s'] as number) + (rec['packets_s2c'] as number), 0), 35);
});

test('--help and --version', () => {
  const h = runSonde(['analyze', '--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /--idle-timeout S/);
  const v = runSonde(['--version']);
  assert.match(v.stdout, /^sonde \d+\.\d+\.\d+\n$/);
});

test('protocols lists every protocol and application with its category, ports and nDPI name', () => {
  const r = runSonde(['protocols', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as { id: number; name: string; kind: string; category: string; default_ports: string[]; ndpi: string }[];
  assert.ok(rows.length >= 200, `only ${rows.length} protocols and applications`);
  for (const row of rows) {
    assert.ok(Number.isInteger(row.id) && row.name && row.category && (row.ndpi === null || row.ndpi) && Array.isArray(row.default_ports), JSON.stringify(row));
  }
  const byName = new Map(rows.map((x) => [x.name, x]));
  assert.deepEqual(byName.get('TLS')?.default_ports.includes('tcp/443'), true);
  assert.equal(byName.get('POP3S')?.ndpi, 'POPS');
  assert.equal(byName.get('ICMPv6')?.ndpi, 'ICMPV6');
  assert.equal(byName.get('YouTube')?.kind, 'application');
  assert.equal(new Set(rows.map((x) => x.id)).size, rows.length, 'ids are unique');
  const table = runSonde(['protocols']);
  assert.match(table.stdout, /^\s+\d+\s+TLS\s+protocol\s+Web\s+TLS\s+tcp\/443/m);
  assert.match(table.stdout, new RegExp(`^${rows.length} protocols and applications`, 'm'));
});

test('analyze --no-store never loads DuckDB (start-up time, memory); a command that needs it does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sonde-lazy-'));
  const hook = join(dir, 'refuse-duckdb.mjs');
  // a module resolution hook that refuses DuckDB's packages
  const resolve = 'export async function resolve(s, c, next) { if (s.includes("@duckdb")) throw new Error("DuckDB loaded: " + s); return next(s, c); }';
  writeFileSync(hook, `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(${JSON.stringify(resolve)}));\n`);
  // and require(), which sonde loads DuckDB's CommonJS API with (storage/duckdb/duckdb-api.ts)
  const requireHook = join(dir, 'refuse-duckdb.cjs');
  writeFileSync(requireHook, 'const M = require("node:module"); const r = M._resolveFilename; M._resolveFilename = function (s, ...rest) { if (String(s).includes("@duckdb")) throw new Error("DuckDB loaded: " + s); return r.call(this, s, ...rest); };\n');
  const run = (args: string[]): ReturnType<typeof spawnSync> => spawnSync(process.execPath, ['--import', hook, '--require', requireHook, SONDE_BIN, ...args], { encoding: 'utf8' });
  const analyzed = run(['analyze', '--no-store', '-q', sample]);
  assert.equal(analyzed.status, 0, String(analyzed.stderr));
  const queried = run(['query', '--db', join(dir, 'none.duckdb'), 'select 1']);
  assert.notEqual(queried.status, 0);
  assert.match(String(queried.stderr), /DuckDB loaded: @duckdb/);
});
