// A small, strict option parser: every option is declared, unknown ones are an error that says
// what to do, values are validated where they are read.

export class UsageError extends Error {}

export interface OptionSpec {
  /** long name without dashes, e.g. 'idle-timeout' */
  name: string;
  short?: string;
  /** true when the option takes a value */
  value: boolean;
  help: string;
  valueName?: string;
}

export interface ParsedArgs {
  options: Map<string, string | true>;
  positionals: string[];
}

export function parseArgs(argv: string[], specs: OptionSpec[], command: string): ParsedArgs {
  const options = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    } else {
      const spec = specs.find((s) => s.short === arg.slice(1));
      if (!spec) throw new UsageError(`unknown option '${arg}' for 'sonde ${command}' (see 'sonde ${command} --help')`);
      name = spec.name;
    }
    const spec = specs.find((s) => s.name === name);
    if (!spec) throw new UsageError(`unknown option '--${name}' for 'sonde ${command}' (see 'sonde ${command} --help')`);
    if (!spec.value) {
      if (inline !== undefined) throw new UsageError(`option '--${name}' takes no value`);
      options.set(name, true);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`option '--${name}' needs a value (${spec.valueName ?? 'VALUE'})`);
    options.set(name, value);
  }
  return { options, positionals };
}

export function numberOption(args: ParsedArgs, name: string, fallback: number, min = 0): number {
  const v = args.options.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || n < min) {
    throw new UsageError(`option '--${name}' needs a number ≥ ${min}, not '${String(v)}'`);
  }
  return n;
}

/**
 * A whole number from `min` to `max` (default: the largest integer a double holds exactly); a
 * fraction, an exponent that leaves the range, or anything else is a usage error of one line.
 */
export function integerOption(args: ParsedArgs, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = args.options.get(name);
  if (v === undefined) return fallback;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`option '--${name}' needs a whole number from ${min} to ${max}, not '${String(v)}'`);
  }
  return n;
}

export function choiceOption<T extends string>(args: ParsedArgs, name: string, choices: readonly T[], fallback: T): T {
  const v = args.options.get(name);
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw new UsageError(`option '--${name}' must be one of ${choices.join(', ')}, not '${String(v)}'`);
  }
  return v as T;
}

export function helpText(usage: string, specs: OptionSpec[]): string {
  const rows = specs.map((s) => {
    const flag = `${s.short ? `-${s.short}, ` : '    '}--${s.name}${s.value ? ` ${s.valueName ?? 'VALUE'}` : ''}`;
    return `  ${flag.padEnd(30)} ${s.help}`;
  });
  return `${usage}\n\nOptions:\n${rows.join('\n')}\n`;
}

/** the longest duration option: 100,000 days (273 years) stays exact in microseconds and inside DuckDB's timestamps */
const MAX_SINCE_SECONDS = 100_000 * 86400;

/** "1h" → seconds; a bad duration is a usage error */
export function durationSeconds(s: string, option = 'since'): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(s.trim());
  if (!m) throw new UsageError(`option '--${option}' needs a duration such as 30s, 15m, 1h or 7d, not '${s}'`);
  const seconds = Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
  if (seconds > MAX_SINCE_SECONDS) throw new UsageError(`option '--${option}' takes at most 100000d, not '${s}'`);
  return seconds;
}
