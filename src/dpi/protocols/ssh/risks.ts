import { type RiskSpec } from '../../api/dissector.js';

// The risks only SSH raises.

export const SSH_RISKS: readonly RiskSpec[] = [
  { name: 'obsolete_ssh_version', severity: 'high', description: 'SSH protocol version 1 or an old, vulnerable server', ndpi: 'SSH Obsolete Cli Vers/Cipher' },
];
