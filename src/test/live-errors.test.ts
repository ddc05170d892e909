import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explainToolFailure } from '../cli/live.js';
import { SONDE_BIN } from '../test-support/golden.js';

// `sonde live` that cannot start: each cause is one line on stderr saying what to do, and a
// non-zero exit (1 for the capture, 2 for the command line). The capture tool's own words are
// kept; sonde adds the fix.

const hasTcpdump = spawnSync('sh', ['-c', 'command -v tcpdump']).status === 0;
const noTcpdump = hasTcpdump ? false : "tcpdump is not installed (apt-get install tcpdump)";

function live(args: string[], options: { env?: NodeJS.ProcessEnv; asUser?: string } = {}): { status: number | null; lines: string[] } {
  const command = [process.execPath, SONDE_BIN, 'live', ...args, '--no-store', '--duration', '3'];
  const r = options.asUser
    ? spawnSync('su', [options.asUser, '-s', '/bin/sh', '-c', command.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ')], { encoding: 'utf8', cwd: tmpdir(), timeout: 30_000 })
    : spawnSync(command[0]!, command.slice(1), { encoding: 'utf8', env: options.env ?? process.env, timeout: 30_000 });
  return { status: r.status, lines: r.stderr.split('\n').filter((l) => l !== '') };
}

test('live: no such interface is one line naming the interface and pointing to ip link, exit 1', { skip: noTcpdump }, () => {
  const r = live(['-i', 'sonde-none0']);
  assert.equal(r.status, 1);
  assert.equal(r.lines.length, 1, r.lines.join('\n'));
  assert.match(r.lines[0]!, /^sonde: cannot capture on 'sonde-none0': tcpdump: .*\(check the interface name: ip link\)$/);
});

test('live: a bad --bpf filter is one line pointing to the filter, exit 1', { skip: noTcpdump }, () => {
  const r = live(['-i', 'lo', '--bpf', 'tcp port ((('], { env: process.env });
  assert.equal(r.status, 1);
  assert.equal(r.lines.length, 1, r.lines.join('\n'));
  assert.match(r.lines[0]!, /^sonde: cannot capture on 'lo': tcpdump: .*\(check the --bpf filter\)$/);
});

test('live: a capture tool that is not installed is one line saying what to install, exit 1', () => {
  const empty = mkdtempSync(join(tmpdir(), 'sonde-no-tools-'));
  chmodSync(empty, 0o755);
  const r = live(['-i', 'lo'], { env: { ...process.env, PATH: empty } });
  assert.equal(r.status, 1);
  assert.deepEqual(r.lines, ["sonde: cannot capture on 'lo': 'tcpdump' is not installed (apt-get install tcpdump), or choose another with --capture-tool"]);
  const d = live(['-i', 'lo', '--capture-tool', 'dumpcap'], { env: { ...process.env, PATH: empty } });
  assert.equal(d.status, 1);
  assert.match(d.lines.join('\n'), /^sonde: cannot capture on 'lo': 'dumpcap' is not installed \(apt-get install wireshark-common\)/);
});

const whyNoOtherUser = !hasTcpdump ? noTcpdump : process.getuid?.() !== 0 ? 'needs root, to run sonde as the user nobody' : spawnSync('id', ['nobody']).status !== 0 ? 'no user nobody' : false;

test('live: no permission to capture is one line saying how to get it, exit 1', { skip: whyNoOtherUser }, () => {
  const r = live(['-i', 'lo'], { asUser: 'nobody' });
  assert.equal(r.status, 1);
  assert.equal(r.lines.length, 1, r.lines.join('\n'));
  assert.match(r.lines[0]!, /^sonde: cannot capture on 'lo': tcpdump: .*permission.*\(run as root, or give tcpdump the capture capability: setcap /i);
});

test('live: command-line mistakes are one line and exit 2', () => {
  const none = live([]);
  assert.equal(none.status, 2);
  assert.match(none.lines[0]!, /no interface given: 'sonde live -i IFACE'/);
  const file = live(['-i', 'lo', 'capture.pcap']);
  assert.equal(file.status, 2);
  assert.match(file.lines[0]!, /for files: 'sonde analyze'/);
  const tool = live(['-i', 'lo', '--capture-tool', 'wireshark']);
  assert.equal(tool.status, 2);
  assert.equal(tool.lines.length, 1);
});

test('explainToolFailure: the capture tools\' messages mapped to their fixes', () => {
  const exit = (message: string) => ({ code: 1, signal: null, message, spawnError: null });
  assert.match(explainToolFailure('dumpcap', exit("dumpcap: There is no device named \"eth9\".")), /check the interface name: ip link/);
  assert.match(explainToolFailure('dumpcap', exit('You don\'t have permission to capture on that device')), /setcap cap_net_raw,cap_net_admin=eip \$\(command -v dumpcap\)/);
  assert.match(explainToolFailure('tcpdump', exit('tcpdump: can\'t parse filter expression: syntax error')), /check the --bpf filter/);
  assert.equal(explainToolFailure('tcpdump', exit('tcpdump: something else')), 'tcpdump: tcpdump: something else');
});
