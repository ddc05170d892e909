import { CORPUS_MISSING_MESSAGE, ndpiCorpusDir } from './corpus.js';
import { formatFlowScore, scoreFlows } from './flow-conformance.js';
import { formatIdScore, scoreIdentification } from './id-conformance.js';

// `npm run conformance`: how sonde compares with nDPI over the shared corpus: flows, then
// identification. SONDE_REPORT_ROWS sets how many rows; SONDE_REPORT_FILTER=NAME shows examples
// of disagreements involving NAME (an nDPI or sonde name), or 'hostname' / 'ja4'.

const dir = ndpiCorpusDir();
if (!dir) {
  process.stderr.write(`${CORPUS_MISSING_MESSAGE}\n`);
  process.exit(1);
}
const rows = Number(process.env['SONDE_REPORT_ROWS'] ?? 40);
const filter = process.env['SONDE_REPORT_FILTER'];
if (!process.env['SONDE_REPORT_ONLY_ID']) process.stdout.write(`Flows\n${formatFlowScore(scoreFlows(dir), rows)}\n\n`);
process.stdout.write(`Identification\n${formatIdScore(scoreIdentification(dir, filter), rows)}\n`);
