import { KEY_WORDS } from '../flow/key.js';
import { l4Name, serviceForPort } from '../flow/port-services.js';
import { type FlowTable } from '../flow/table.js';
import { type EngineStats } from '../engine/engine.js';

// The `sonde analyze` summary, in the spirit of ndpiReader's: traffic totals, a table per
// protocol (for now the transport and the port guess), and anomaly counts.

interface Row {
  packets: number;
  bytes: number;
  flows: number;
}

export class ProtocolSummary {
  private readonly rows = new Map<string, Row>();
  flows = 0;

  add(table: FlowTable, id: number): void {
    const meta = table.keys[id * KEY_WORDS]!;
    const proto = meta & 0xff;
    const ports = table.keys[id * KEY_WORDS + 9]!;
    const a = ports >>> 16;
    const b = ports & 0xffff;
    const serverPort = table.clientIsA[id] === 1 ? b : a;
    const clientPort = table.clientIsA[id] === 1 ? a : b;
    const l4 = l4Name(proto) ?? `IP/${proto}`;
    const service = serviceForPort(proto, serverPort) ?? serviceForPort(proto, clientPort);
    const label = service ? `${l4}/${service}` : l4;
    let row = this.rows.get(label);
    if (!row) {
      row = { packets: 0, bytes: 0, flows: 0 };
      this.rows.set(label, row);
    }
    // traffic volume: every frame of the flow, non-first fragments included
    row.packets += table.packets[id * 2]! + table.packets[id * 2 + 1]! + table.fragments[id * 2]! + table.fragments[id * 2 + 1]!;
    row.bytes += table.bytes[id * 2]! + table.bytes[id * 2 + 1]! + table.fragmentBytes[id * 2]! + table.fragmentBytes[id * 2 + 1]!;
    row.flows++;
    this.flows++;
  }

  render(stats: EngineStats, anomalies: Record<string, number>, elapsedS: number, inputs: number): string {
    const lines: string[] = [];
    const rate = elapsedS > 0 ? stats.records / elapsedS : 0;
    lines.push(`sonde analyze: ${inputs} capture${inputs === 1 ? '' : 's'}, ${num(stats.records)} packets, ${bytes(stats.wireBytes)} in ${elapsedS.toFixed(2)} s (${num(Math.round(rate))} packets/s, ${(stats.wireBytes * 8 / Math.max(elapsedS, 1e-9) / 1e9).toFixed(2)} Gbit/s)`);
    lines.push('');
    lines.push('Traffic');
    lines.push(`  IP packets              ${num(stats.ipPackets)}`);
    lines.push(`  non-IP packets          ${num(stats.nonIpPackets)}`);
    lines.push(`  malformed packets       ${num(stats.malformedPackets)} (not in any flow; see anomalies)`);
    lines.push(`  fragments reassembled   ${num(stats.datagramsReassembled)} datagrams (${num(stats.fragmentsHeld)} fragments held)`);
    lines.push(`  flows                   ${num(this.flows)}`);
    if (Number.isFinite(stats.firstTsMicros)) {
      lines.push(`  capture time            ${new Date(stats.firstTsMicros / 1000).toISOString()} .. ${new Date(stats.lastTsMicros / 1000).toISOString()}`);
    }
    lines.push('');
    const sorted = [...this.rows.entries()].sort((x, y) => y[1].bytes - x[1].bytes || x[0].localeCompare(y[0]));
    const width = Math.max(8, ...sorted.map(([k]) => k.length));
    lines.push(`${'Protocol'.padEnd(width)}  ${'Packets'.padStart(12)}  ${'Bytes'.padStart(14)}  ${'Flows'.padStart(9)}`);
    for (const [label, r] of sorted) {
      lines.push(`${label.padEnd(width)}  ${num(r.packets).padStart(12)}  ${num(r.bytes).padStart(14)}  ${num(r.flows).padStart(9)}`);
    }
    const names = Object.keys(anomalies);
    lines.push('');
    if (names.length === 0) {
      lines.push('Anomalies: none');
    } else {
      lines.push('Anomalies');
      for (const n of names.sort((x, y) => anomalies[y]! - anomalies[x]!)) lines.push(`  ${n.padEnd(36)} ${num(anomalies[n]!)}`);
    }
    return lines.join('\n') + '\n';
  }
}

function num(n: number): string {
  return n.toLocaleString('en-US');
}

function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
