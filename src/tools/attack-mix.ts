import { writeFileSync } from 'node:fs';
import { ATTACK_KINDS, buildAttackMix, DEFAULT_ATTACK_RATES, type Attack, type AttackKind } from '../test-support/attack-mix.js';

// Writes an attack capture: benign traffic with attacks at known times (see test-support/attack-mix.ts).
//   node dist/tools/attack-mix.js OUT.pcap [--duration S] [--seed N] KIND@TARGET[:START[:DURATION[:PPS]]]...
// e.g. syn_flood@192.0.2.10:20:5 vertical_scan@203.0.113.77:30:10:300

const USAGE = `usage: attack-mix OUT.pcap [--duration S] [--seed N] [--now] KIND@TARGET[:START[:DURATION[:PPS]]]...
kinds: ${ATTACK_KINDS.join(', ')}`;

function main(argv: string[]): number {
  let out: string | null = null;
  let durationS = 60;
  let seed = 1;
  let now = false;
  const attacks: Attack[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--duration') durationS = Number(argv[++i]);
    else if (a === '--seed') seed = Number(argv[++i]);
    else if (a === '--now') now = true;
    else if (out === null) out = a;
    else {
      const m = /^([a-z_]+)@([^:]+)(?::([\d.]+))?(?::([\d.]+))?(?::([\d.]+))?$/.exec(a);
      if (!m || !(ATTACK_KINDS as readonly string[]).includes(m[1]!)) {
        process.stderr.write(`attack-mix: '${a}' is not KIND@TARGET[:START[:DURATION[:PPS]]]\n${USAGE}\n`);
        return 2;
      }
      const kind = m[1] as AttackKind;
      attacks.push({ kind, target: m[2]!, startS: Number(m[3] ?? 10), durationS: Number(m[4] ?? 5), pps: Number(m[5] ?? DEFAULT_ATTACK_RATES[kind]) });
    }
  }
  if (out === null || !Number.isFinite(durationS) || durationS <= 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const { pcap, records } = buildAttackMix({ seed, durationS, attacks, ...(now ? { startMicros: Date.now() * 1000 } : {}) });
  writeFileSync(out, pcap);
  process.stdout.write(`${out}: ${records} packets, ${attacks.length} attacks\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
