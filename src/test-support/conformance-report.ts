import { CORPUS_MISSING_MESSAGE, ndpiCorpusDir } from './corpus.js';
import { formatFlowScore, scoreFlows } from './flow-conformance.js';

// `npm run conformance`: how sonde's flows compare with nDPI's over the shared corpus.

const dir = ndpiCorpusDir();
if (!dir) {
  process.stderr.write(`${CORPUS_MISSING_MESSAGE}\n`);
  process.exit(1);
}
const rows = Number(process.env['SONDE_REPORT_ROWS'] ?? 60);
process.stdout.write(formatFlowScore(scoreFlows(dir), rows) + '\n');
