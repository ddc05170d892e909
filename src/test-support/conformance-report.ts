import { CORPUS_MISSING_MESSAGE, corpusPart, ndpiCorpusDir } from './corpus.js';
import { formatFlowScore, scoreFlows } from './flow-conformance.js';
import { addIdScores, formatIdScore, formatIdTotals, scoreIdentification } from './id-conformance.js';

// `npm run conformance [-- --held-out]`: how sonde compares with nDPI over the shared corpus:
// flows, then identification on the development part (disagreements and examples included).
// --held-out adds the totals of the captures kept aside (test/held-out-captures.txt) and of the
// whole corpus, without opening them. SONDE_REPORT_ROWS sets how many rows; SONDE_REPORT_FILTER=NAME
// shows examples of disagreements involving NAME (an nDPI or sonde name), or 'hostname' / 'ja4' /
// 'precision' (flows sonde names that nDPI names otherwise).

const options = process.argv.slice(2);
for (const o of options) {
  if (o !== '--held-out') {
    process.stderr.write(`conformance: unknown option '${o}' (use --held-out)\n`);
    process.exit(2);
  }
}

const dir = ndpiCorpusDir();
if (!dir) {
  process.stderr.write(`${CORPUS_MISSING_MESSAGE}\n`);
  process.exit(1);
}
const rows = Number(process.env['SONDE_REPORT_ROWS'] ?? 40);
const filter = process.env['SONDE_REPORT_FILTER'];
if (!process.env['SONDE_REPORT_ONLY_ID']) process.stdout.write(`Flows\n${formatFlowScore(scoreFlows(dir), rows)}\n\n`);
const development = scoreIdentification(dir, filter, corpusPart(dir, 'development'));
process.stdout.write(`Identification, development part (${corpusPart(dir, 'development').length} captures)\n${formatIdScore(development, rows)}\n`);
if (options.includes('--held-out')) {
  const heldOut = scoreIdentification(dir, undefined, corpusPart(dir, 'held-out'));
  process.stdout.write(`\nIdentification, held-out part (${corpusPart(dir, 'held-out').length} captures; totals only)\n${formatIdTotals(heldOut)}\n`);
  process.stdout.write(`\nIdentification, whole shared corpus\n${formatIdTotals(addIdScores(development, heldOut))}\n`);
}
