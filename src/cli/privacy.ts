// The command line's privacy options: --pseudonymize KEYFILE and --privacy strict, and
// `sonde keygen` that writes a key.

import { randomBytes } from 'node:crypto';
import { chmodSync, openSync, closeSync, readFileSync, writeSync } from 'node:fs';
import { type AlertHandler } from '../detect/alert.js';
import { type FlowView } from '../flow/schema.js';
import { CRYPTOPAN_KEY_BYTES } from '../privacy/cryptopan.js';
import { OutputPrivacy } from '../privacy/output-privacy.js';
import { Pseudonymizer } from '../privacy/pseudonymizer.js';
import { choiceOption, helpText, parseArgs, type OptionSpec, type ParsedArgs, UsageError } from './args.js';
import { InputError } from './input.js';

export const PRIVACY_OPTIONS: OptionSpec[] = [
  {
    name: 'pseudonymize', value: true, valueName: 'KEYFILE',
    help: "replace every IP address in what is written by its Crypto-PAn pseudonym (prefix-preserving) under the key in KEYFILE, MACs by a keyed hash ('sonde keygen' makes a key)",
  },
  {
    name: 'privacy', value: true, valueName: 'standard|strict',
    help: 'strict: host names cut to their registrable domain; no URL paths, user agents, file or device names, risk explanations or early packet gaps (default standard)',
  },
];

/** 32 bytes: raw, or 64 hexadecimal characters on one line */
export function readKeyFile(path: string): Uint8Array {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    throw new InputError(`cannot read the key file '${path}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message} (make one with 'sonde keygen -o ${path}')`);
  }
  if (data.length === CRYPTOPAN_KEY_BYTES) return new Uint8Array(data);
  const text = data.toString('latin1').trim();
  if (/^[0-9A-Fa-f]{64}$/.test(text)) return new Uint8Array(Buffer.from(text, 'hex'));
  throw new InputError(`the key file '${path}' holds ${data.length} bytes: a key is ${CRYPTOPAN_KEY_BYTES} raw bytes or 64 hexadecimal characters on one line (make one with 'sonde keygen -o FILE')`);
}

/** what --pseudonymize and --privacy ask for; null when flows go out as they are */
export function outputPrivacyOption(args: ParsedArgs): OutputPrivacy | null {
  const path = args.options.get('pseudonymize');
  if (path === true) throw new UsageError("option '--pseudonymize' needs a key file");
  const pseudonymizer = typeof path === 'string' ? new Pseudonymizer(readKeyFile(path)) : null;
  const privacy = new OutputPrivacy(pseudonymizer, choiceOption(args, 'privacy', ['standard', 'strict'] as const, 'standard'));
  return privacy.passThrough ? null : privacy;
}

/** the flow and alert handlers, with what may not be written taken out first */
export function privateHandlers(p: OutputPrivacy | null, onFlow: (v: FlowView) => void, onAlert: AlertHandler): { onFlow: (v: FlowView) => void; onAlert: AlertHandler } {
  if (!p) return { onFlow, onAlert };
  return { onFlow: (v) => onFlow(p.flow(v)), onAlert: (a, phase) => onAlert(p.alert(a), phase) };
}

const KEYGEN_OPTIONS: OptionSpec[] = [
  { name: 'output', short: 'o', value: true, valueName: 'KEYFILE', help: 'the file to write (required; created with mode 0600, never overwritten)' },
  { name: 'help', short: 'h', value: false, help: 'show this help' },
];

const KEYGEN_USAGE = `Usage: sonde keygen -o KEYFILE

Writes a new random pseudonymisation key (64 hexadecimal characters, readable by you only) for
--pseudonymize and 'sonde anonymize'. One key gives the same pseudonyms run after run: keep it to
compare runs, destroy it to make the pseudonyms unlinkable.`;

export function keygen(argv: string[]): number {
  const args = parseArgs(argv, KEYGEN_OPTIONS, 'keygen');
  if (args.options.has('help')) {
    process.stdout.write(helpText(KEYGEN_USAGE, KEYGEN_OPTIONS));
    return 0;
  }
  const path = args.options.get('output');
  if (typeof path !== 'string') throw new UsageError("'sonde keygen' needs the file to write: 'sonde keygen -o KEYFILE'");
  if (args.positionals.length > 0) throw new UsageError(`unexpected '${args.positionals[0]}' (sonde keygen -o KEYFILE)`);
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'EEXIST' ? `'${path}' exists: sonde keygen never overwrites a key (remove it first, or choose another name)` : `cannot write '${path}': ${(e as Error).message}`);
  }
  try {
    writeSync(fd, `${randomBytes(CRYPTOPAN_KEY_BYTES).toString('hex')}\n`);
  } finally {
    closeSync(fd);
  }
  chmodSync(path, 0o600);
  return 0;
}
