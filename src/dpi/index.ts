import { loadApplications } from './applications.js';
import './fields.js';
import { DpiEngine } from './inspector.js';

// Entry point of identification: the dissectors (found in dpi/protocols/), the application
// database (data/applications.tsv), and the flow-record fields they add.

export function createDpiEngine(): DpiEngine {
  return new DpiEngine(loadApplications());
}

export { DpiEngine };
