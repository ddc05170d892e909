import { join } from 'node:path';
import { findProtocol, protocolEntry } from '../dpi/api/catalog.js';
import { corpusCaptures, readExpectedFlows, runCapture, type ExpectedFlow } from './corpus.js';
import { expectedKeys, sondeKey } from './flow-match.js';
import { ja4AsNdpi } from './ndpi-ja4.js';

/** the SNI the record's TLS/QUIC/DTLS object holds, if any */
function sniOf(r: Record<string, unknown>): string | null {
  for (const k of ['tls', 'quic', 'dtls']) {
    const o = r[k] as Record<string, unknown> | null | undefined;
    if (o && typeof o['sni'] === 'string') return o['sni'];
  }
  return null;
}

// Identification against nDPI over the corpus: for nDPI's flows decided by payload (confidence
// DPI or DPI (cache)), does sonde's most specific name, in nDPI's naming, equal nDPI's? Plus
// host names and JA4 fingerprints where nDPI shows them.

export interface IdScore {
  dpiFlows: number;
  nameAgree: number;
  hostFlows: number;
  hostAgree: number;
  ja4Flows: number;
  /** equal after writing sonde's JA4 in nDPI's variant (see ndpi-ja4.ts) */
  ja4Agree: number;
  /** equal as they are */
  ja4Identical: number;
  /** "nDPI name → sonde name" → count */
  confusions: Map<string, number>;
  /** examples of disagreements, for the report */
  examples: string[];
  sondeConfidence: Map<string, number>;
  sondeFlows: number;
  dpiPacketsTotal: number;
  /** nDPI's flows (any confidence) that sonde gives a name, and those where nDPI gives another name */
  sondeNamed: number;
  namedDifferently: number;
  /** of those, flows where sonde's name is the one nDPI gives the server's address (its proto_by_ip) */
  namedAsNdpiAddress: number;
}

/**
 * A host name as nDPI's reader prints it: every byte outside printable ASCII as '?' (an LLMNR
 * name in UTF-8 such as '小佛專機' prints as twelve '?'); sonde keeps the real characters.
 */
export function asNdpiPrintsIt(hostname: string): string {
  let out = '';
  for (const b of Buffer.from(hostname, 'utf8')) out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '?';
  return out;
}

/** sonde's most specific name in nDPI's naming */
export function ndpiNameOf(r: Record<string, unknown>): string {
  // an application nDPI has no name for is shown by nDPI as the protocol under it
  for (const name of [r['application'], r['protocol']] as (string | null)[]) {
    if (!name) continue;
    const id = findProtocol(name);
    if (id === undefined) return name;
    const ndpi = protocolEntry(id).ndpi;
    if (ndpi !== null) return ndpi;
  }
  return 'Unknown';
}

/** Scores the given captures of the corpus (all of them by default); `filter` picks the examples kept. */
export function scoreIdentification(dir: string, filter?: string, captures: string[] = corpusCaptures(dir)): IdScore {
  const expected = readExpectedFlows(dir);
  const byPcap = new Map<string, ExpectedFlow[]>();
  for (const e of expected) {
    let l = byPcap.get(e.pcap);
    if (!l) byPcap.set(e.pcap, (l = []));
    l.push(e);
  }
  const s: IdScore = { dpiFlows: 0, nameAgree: 0, hostFlows: 0, hostAgree: 0, ja4Flows: 0, ja4Agree: 0, ja4Identical: 0, confusions: new Map(), examples: [], sondeConfidence: new Map(), sondeFlows: 0, dpiPacketsTotal: 0, sondeNamed: 0, namedDifferently: 0, namedAsNdpiAddress: 0 };
  for (const pcap of captures) {
    const run = runCapture(join(dir, 'pcap', pcap), { idleTimeoutS: 0, activeTimeoutS: 0, maxFlows: 1 << 22 });
    const ours = new Map<string, Record<string, unknown>>();
    for (const r of run.records) {
      ours.set(sondeKey(r), r);
      s.sondeFlows++;
      s.dpiPacketsTotal += r['dpi_packets'] as number;
      const c = r['confidence'] as string;
      s.sondeConfidence.set(c, (s.sondeConfidence.get(c) ?? 0) + 1);
    }
    for (const e of byPcap.get(pcap) ?? []) {
      const key = expectedKeys(e).find((k) => ours.has(k));
      const r = key === undefined ? undefined : ours.get(key);
      const theirs = e.app ?? e.master ?? 'Unknown';
      const ourName = r ? ndpiNameOf(r) : 'Unknown';
      if (ourName !== 'Unknown') {
        s.sondeNamed++;
        if (theirs !== 'Unknown' && theirs !== ourName) {
          s.namedDifferently++;
          if (e['proto_by_ip'] === ourName) s.namedAsNdpiAddress++;
          if (filter === 'precision') s.examples.push(`precision: ${pcap} ${e.proto_l4} ${e.src}:${e.sport} -> ${e.dst}:${e.dport}: nDPI ${e.label} (${e.confidence}), sonde ${r!['protocol']}/${r!['application']} (${r!['confidence']}) host ${r!['hostname'] ?? '-'}`);
        }
      }
      const where = `${pcap} ${e.proto_l4} ${e.src}:${e.sport} -> ${e.dst}:${e.dport}`;
      if (e.confidence === 'DPI' || e.confidence === 'DPI (cache)') {
        s.dpiFlows++;
        const mine = r ? ndpiNameOf(r) : '(no flow)';
        if (mine === theirs) s.nameAgree++;
        else {
          const k = `${theirs} → ${mine}`;
          s.confusions.set(k, (s.confusions.get(k) ?? 0) + 1);
          if (!filter || theirs === filter || mine === filter) s.examples.push(`${k}: ${where} (nDPI ${e.label}, host ${e.hostname ?? '-'}; sonde ${r ? `${r['protocol']}/${r['application']} host ${r['hostname']}` : '-'})`);
        }
      }
      if (e.hostname) {
        s.hostFlows++;
        if (r && typeof r['hostname'] === 'string' && asNdpiPrintsIt(r['hostname']) === e.hostname) s.hostAgree++;
        else if (filter === 'hostname') s.examples.push(`hostname: ${where}: nDPI '${e.hostname}' sonde '${r?.['hostname'] ?? '-'}'`);
      }
      if (e.ja4) {
        s.ja4Flows++;
        const ours = r?.['ja4'] as string | null | undefined;
        if (ours === e.ja4) s.ja4Identical++;
        const comparable = ours ? ja4AsNdpi(ours, r!['alpn'] as string[] | null, sniOf(r!)) : null;
        if (comparable === e.ja4) s.ja4Agree++;
        else if (filter === 'ja4') s.examples.push(`ja4: ${where}: nDPI ${e.ja4} sonde ${ours ?? '-'} (in nDPI's form ${comparable ?? '-'})`);
      }
    }
  }
  return s;
}

/** The score of two sets of captures together. */
export function addIdScores(a: IdScore, b: IdScore): IdScore {
  const sumMaps = (x: Map<string, number>, y: Map<string, number>): Map<string, number> => {
    const out = new Map(x);
    for (const [k, v] of y) out.set(k, (out.get(k) ?? 0) + v);
    return out;
  };
  return {
    dpiFlows: a.dpiFlows + b.dpiFlows,
    nameAgree: a.nameAgree + b.nameAgree,
    hostFlows: a.hostFlows + b.hostFlows,
    hostAgree: a.hostAgree + b.hostAgree,
    ja4Flows: a.ja4Flows + b.ja4Flows,
    ja4Agree: a.ja4Agree + b.ja4Agree,
    ja4Identical: a.ja4Identical + b.ja4Identical,
    confusions: sumMaps(a.confusions, b.confusions),
    examples: [...a.examples, ...b.examples],
    sondeConfidence: sumMaps(a.sondeConfidence, b.sondeConfidence),
    sondeFlows: a.sondeFlows + b.sondeFlows,
    dpiPacketsTotal: a.dpiPacketsTotal + b.dpiPacketsTotal,
    sondeNamed: a.sondeNamed + b.sondeNamed,
    namedDifferently: a.namedDifferently + b.namedDifferently,
    namedAsNdpiAddress: a.namedAsNdpiAddress + b.namedAsNdpiAddress,
  };
}

/** The score's totals alone: what is shown of the captures kept aside. */
export function formatIdTotals(s: IdScore): string {
  return formatIdScore(s, 0).split('\n').slice(0, 5).join('\n');
}

export function formatIdScore(s: IdScore, rows = 40): string {
  const pct = (a: number, b: number): string => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(2)}%`);
  const lines = [
    `nDPI flows decided by DPI with the same name in sonde: ${s.nameAgree}/${s.dpiFlows} = ${pct(s.nameAgree, s.dpiFlows)}`,
    `host names equal where nDPI shows one (as nDPI prints them: bytes outside printable ASCII as '?'): ${s.hostAgree}/${s.hostFlows} = ${pct(s.hostAgree, s.hostFlows)}`,
    `JA4 equal where nDPI shows one: ${s.ja4Agree}/${s.ja4Flows} = ${pct(s.ja4Agree, s.ja4Flows)} in nDPI's variant of JA4 (identical as reported, per FoxIO's JA4.md: ${s.ja4Identical} = ${pct(s.ja4Identical, s.ja4Flows)})`,
    `precision: flows sonde names that nDPI names otherwise (any nDPI confidence): ${s.namedDifferently}/${s.sondeNamed} = ${pct(s.namedDifferently, s.sondeNamed)} (of which ${s.namedAsNdpiAddress} carry the name nDPI gives the server's address; without them ${pct(s.namedDifferently - s.namedAsNdpiAddress, s.sondeNamed)})`,
    `sonde flows: ${s.sondeFlows}, mean DPI packets per flow ${(s.dpiPacketsTotal / Math.max(1, s.sondeFlows)).toFixed(2)}; by confidence: ${[...s.sondeConfidence].map(([k, v]) => `${k} ${v}`).join(', ')}`,
    'top disagreements (nDPI → sonde):',
    ...[...s.confusions].sort((a, b) => b[1] - a[1]).slice(0, rows).map(([k, v]) => `  ${String(v).padStart(5)}  ${k}`),
  ];
  if (s.examples.length) lines.push('examples:', ...s.examples.slice(0, rows).map((e) => `  ${e}`));
  return lines.join('\n');
}
