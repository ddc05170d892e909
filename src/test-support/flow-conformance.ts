import { join } from 'node:path';
import { corpusCaptures, readExpectedFlows, runCapture, type ExpectedFlow } from './corpus.js';
import { compareCounters, expectedKey, expectedKeys, sondeKey } from './flow-match.js';

// Scores sonde's flow tracking against nDPI's verdicts over the whole corpus.

export interface FlowMismatch {
  pcap: string;
  key: string;
  reason: 'missing' | 'counters';
  detail: string;
}

export interface FlowScore {
  captures: number;
  captureErrors: string[];
  expectedFlows: number;
  matchedFlows: number;
  identicalCounters: number;
  extraSondeFlows: number;
  mismatches: FlowMismatch[];
  packets: number;
  seconds: number;
}

export function scoreFlows(dir: string): FlowScore {
  const expected = readExpectedFlows(dir);
  const byPcap = new Map<string, ExpectedFlow[]>();
  for (const e of expected) {
    let list = byPcap.get(e.pcap);
    if (!list) byPcap.set(e.pcap, (list = []));
    list.push(e);
  }
  const score: FlowScore = {
    captures: 0, captureErrors: [], expectedFlows: expected.length, matchedFlows: 0, identicalCounters: 0,
    extraSondeFlows: 0, mismatches: [], packets: 0, seconds: 0,
  };
  const started = process.hrtime.bigint();
  for (const pcap of corpusCaptures(dir)) {
    const run = runCapture(join(dir, 'pcap', pcap), { idleTimeoutS: 0, activeTimeoutS: 0, maxFlows: 1 << 22 });
    score.captures++;
    score.packets += run.packets;
    if (run.error) score.captureErrors.push(`${pcap}: ${run.error}`);
    const ours = new Map<string, Record<string, unknown>>();
    for (const r of run.records) ours.set(sondeKey(r), r);
    const theirs = byPcap.get(pcap) ?? [];
    const seen = new Set<string>();
    for (const e of theirs) {
      const key = expectedKeys(e).find((k) => ours.has(k)) ?? expectedKey(e);
      seen.add(key);
      const r = ours.get(key);
      if (!r) {
        score.mismatches.push({ pcap, key, reason: 'missing', detail: `nDPI ${e.proto_l4} ${e.src}:${e.sport} -> ${e.dst}:${e.dport} vlan=${e.vlan} tunnel=${e.tunnel} [${e.pkts_c2s}/${e.bytes_c2s} <-> ${e.pkts_s2c}/${e.bytes_s2c}]` });
        continue;
      }
      score.matchedFlows++;
      const cmp = compareCounters(e, r);
      if (cmp.same) score.identicalCounters++;
      else score.mismatches.push({ pcap, key, reason: 'counters', detail: `nDPI ${cmp.ndpi.join('/')} sonde ${cmp.sonde.join('/')} (${e.proto_l4} ${e.src}:${e.sport} -> ${e.dst}:${e.dport}; sonde anomalies ${JSON.stringify(r['anomalies'])})` });
    }
    for (const k of ours.keys()) if (!seen.has(k)) score.extraSondeFlows++;
  }
  score.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return score;
}

export function formatFlowScore(s: FlowScore, maxRows = 60): string {
  const pct = (a: number, b: number): string => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(2)}%`);
  const lines = [
    `captures: ${s.captures} (${s.captureErrors.length} with errors), packets: ${s.packets}, ${s.seconds.toFixed(1)} s`,
    `nDPI flows with a sonde flow of the same key: ${s.matchedFlows}/${s.expectedFlows} = ${pct(s.matchedFlows, s.expectedFlows)}`,
    `of those, identical packet and byte counters both ways: ${s.identicalCounters}/${s.matchedFlows} = ${pct(s.identicalCounters, s.matchedFlows)}`,
    `sonde flows nDPI does not list: ${s.extraSondeFlows}`,
  ];
  for (const e of s.captureErrors) lines.push(`  error: ${e}`);
  const shown = s.mismatches.slice(0, maxRows);
  if (shown.length) lines.push('mismatches:');
  for (const m of shown) lines.push(`  ${m.pcap}: ${m.reason}: ${m.detail}`);
  if (s.mismatches.length > shown.length) lines.push(`  … ${s.mismatches.length - shown.length} more`);
  return lines.join('\n');
}
