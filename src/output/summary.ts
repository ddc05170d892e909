import { protocolEntry } from '../dpi/api/catalog.js';
import { Confidence, CONFIDENCE_NAMES, type DpiResults } from '../dpi/runtime/results.js';
import { KEY_WORDS } from '../flow/key.js';
import { l4Name } from '../flow/l4-names.js';
import { type FlowRecordArrays } from '../flow/table.js';
import { type EngineStats } from '../engine/engine.js';
import { type AlertRecord } from '../detect/alert.js';

/** Strongest evidence first. A statistical label is only ever given to a flow
 *  that nothing else named (not even by port), so it sits just before unknown. */
const IDENTIFIED_BY_ORDER = [Confidence.Dpi, Confidence.SocketCache, Confidence.DnsCache, Confidence.Ip, Confidence.Port, Confidence.Statistical, Confidence.Unknown];

// The `sonde analyze` summary, in the spirit of ndpiReader's: traffic totals, a table per
// application (or protocol) with its category, a table per category, how flows were
// identified, and anomaly counts.

interface Row {
  packets: number;
  bytes: number;
  flows: number;
  category: string;
}

export class ProtocolSummary {
  private readonly byName = new Map<string, Row>();
  private readonly byCategory = new Map<string, Row>();
  private readonly byConfidence = new Float64Array(CONFIDENCE_NAMES.length);
  flows = 0;
  /** ended alerts, as they ended; null when detection is off */
  alerts: AlertRecord[] | null = null;

  add(table: FlowRecordArrays, id: number, dpi: DpiResults | null): void {
    let label: string;
    let category: string;
    const nameId = dpi ? dpi.application[id] || dpi.protocol[id]! : 0;
    if (nameId !== 0) {
      const e = protocolEntry(nameId);
      label = e.name;
      category = e.category;
    } else {
      const proto = table.keys[id * KEY_WORDS]! & 0xff;
      label = `Unknown ${l4Name(proto) ?? `IP/${proto}`}`;
      category = 'Unspecified';
    }
    // traffic volume: every frame of the flow, non-first fragments included
    const packets = table.packets[id * 2]! + table.packets[id * 2 + 1]! + table.fragments[id * 2]! + table.fragments[id * 2 + 1]!;
    const bytes = table.bytes[id * 2]! + table.bytes[id * 2 + 1]! + table.fragmentBytes[id * 2]! + table.fragmentBytes[id * 2 + 1]!;
    bump(this.byName, label, category, packets, bytes);
    bump(this.byCategory, category, category, packets, bytes);
    this.byConfidence[dpi ? dpi.confidence[id]! : 0]!++;
    this.flows++;
  }

  /** the `n` applications (or protocols) with most bytes so far, with their share of the bytes */
  topNames(n: number): { name: string; share: number }[] {
    let total = 0;
    for (const r of this.byName.values()) total += r.bytes;
    return [...this.byName.entries()].sort((x, y) => y[1].bytes - x[1].bytes).slice(0, n).map(([name, r]) => ({ name, share: total > 0 ? r.bytes / total : 0 }));
  }

  render(stats: EngineStats, anomalies: Record<string, number>, elapsedS: number, inputs: number, title?: string): string {
    const lines: string[] = [];
    const rate = elapsedS > 0 ? stats.records / elapsedS : 0;
    lines.push(`${title ?? `sonde analyze: ${inputs} capture${inputs === 1 ? '' : 's'}`}, ${num(stats.records)} packets, ${bytesText(stats.wireBytes)} in ${elapsedS.toFixed(2)} s (${num(Math.round(rate))} packets/s, ${(stats.wireBytes * 8 / Math.max(elapsedS, 1e-9) / 1e9).toFixed(2)} Gbit/s)`);
    lines.push('');
    lines.push('Traffic');
    lines.push(`  IP packets              ${num(stats.ipPackets)}`);
    lines.push(`  non-IP packets          ${num(stats.nonIpPackets)}`);
    lines.push(`  malformed packets       ${num(stats.malformedPackets)} (not in any flow; see anomalies)`);
    lines.push(`  fragments reassembled   ${num(stats.datagramsReassembled)} datagrams (${num(stats.fragmentsHeld)} fragments held)`);
    lines.push(`  flows                   ${num(this.flows)}`);
    if (Number.isFinite(stats.firstTsMicros)) {
      lines.push(`  capture time            ${isoTime(stats.firstTsMicros)} .. ${isoTime(stats.lastTsMicros)}`);
    }
    lines.push('');
    const identified = IDENTIFIED_BY_ORDER.map((i) => `${CONFIDENCE_NAMES[i]} ${num(this.byConfidence[i]!)} (${pct(this.byConfidence[i]!, this.flows)})`);
    lines.push(`Identified by: ${identified.join(', ')}`);
    lines.push('');
    lines.push(...table('Application / protocol', this.byName, true));
    lines.push('');
    lines.push(...table('Category', this.byCategory, false));
    if (this.alerts !== null) {
      lines.push('');
      if (this.alerts.length === 0) lines.push('Alerts: none');
      else {
        lines.push(`Alerts (${num(this.alerts.length)})`);
        for (const a of this.alerts) lines.push(`  ${a.kind.padEnd(16)} ${a.target.padEnd(16)} ${a.start} .. ${a.end.slice(11)}  ${a.evidence}`);
      }
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

function bump(map: Map<string, Row>, key: string, category: string, packets: number, bytes: number): void {
  let row = map.get(key);
  if (!row) map.set(key, (row = { packets: 0, bytes: 0, flows: 0, category }));
  row.packets += packets;
  row.bytes += bytes;
  row.flows++;
}

function table(title: string, rows: Map<string, Row>, withCategory: boolean): string[] {
  const sorted = [...rows.entries()].sort((x, y) => y[1].bytes - x[1].bytes || x[0].localeCompare(y[0]));
  const width = Math.max(title.length, ...sorted.map(([k]) => k.length));
  const out = [`${title.padEnd(width)}  ${'Packets'.padStart(12)}  ${'Bytes'.padStart(14)}  ${'Flows'.padStart(9)}${withCategory ? '  Category' : ''}`];
  for (const [label, r] of sorted) {
    out.push(`${label.padEnd(width)}  ${num(r.packets).padStart(12)}  ${num(r.bytes).padStart(14)}  ${num(r.flows).padStart(9)}${withCategory ? `  ${r.category}` : ''}`);
  }
  return out;
}

function pct(a: number, b: number): string {
  return b === 0 ? '0%' : `${((100 * a) / b).toFixed(1)}%`;
}

function isoTime(micros: number): string {
  const d = new Date(micros / 1000);
  return Number.isNaN(d.getTime()) ? String(micros) : d.toISOString();
}

function num(n: number): string {
  return n.toLocaleString('en-US');
}

function bytesText(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
