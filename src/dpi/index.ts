import { loadApplications } from './naming/applications.js';
import './runtime/fields.js';
import { DpiEngine } from './runtime/inspector.js';

// Entry point of identification: the dissectors (found in dpi/protocols/), the application
// database (data/applications.tsv), and the flow-record fields they add.

export function createDpiEngine(): DpiEngine {
  return new DpiEngine(loadApplications());
}

export { DpiEngine };
