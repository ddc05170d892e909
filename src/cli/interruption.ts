// SIGINT and SIGTERM for a command that must stop cleanly: the first asks the work to stop (the
// caller checks `requested` between chunks and writes what it has), a second ends the process at
// once. Exit statuses follow the shell's convention, 128 + the signal's number.

const EXIT_STATUS: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

export class Interruption {
  /** the first signal received, null while none */
  signal: 'SIGINT' | 'SIGTERM' | null = null;
  /** settles with the first signal: a wait raced against it ends when the signal comes */
  readonly whenRequested: Promise<void>;
  private settle: () => void = () => undefined;
  private readonly handlers: [NodeJS.Signals, () => void][] = [];

  /** `onFirst` runs once, with the first signal: e.g. to end a wait on a pipe that may never send again */
  constructor(private readonly onFirst: () => void = () => undefined) {
    this.whenRequested = new Promise((resolve) => (this.settle = resolve));
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const handler = (): void => this.receive(signal);
      process.on(signal, handler);
      this.handlers.push([signal, handler]);
    }
  }

  private readonly waiters = new Set<() => void>();

  /**
   * Settles as `p` does, or when the first signal comes. Promise.race(p, whenRequested) once per
   * chunk would leave a reaction on whenRequested each time: a leak over a run of months.
   */
  orSignal<T>(p: Promise<T>): Promise<T | void> {
    if (this.signal !== null) return Promise.resolve();
    return new Promise<T | void>((resolve, reject) => {
      const wake = (): void => {
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
      p.then((v) => { this.waiters.delete(wake); resolve(v); }, (e: unknown) => { this.waiters.delete(wake); reject(e); });
    });
  }

  /** waits from orSignal not yet settled: stays at the number in flight, however many have run */
  get pendingWaits(): number {
    return this.waiters.size;
  }

  get requested(): boolean {
    return this.signal !== null;
  }

  /** 130 after SIGINT, 143 after SIGTERM */
  get exitStatus(): number {
    return this.signal === null ? 0 : EXIT_STATUS[this.signal];
  }

  private receive(signal: 'SIGINT' | 'SIGTERM'): void {
    if (this.signal !== null) {
      process.stderr.write(`\nsonde: ${signal} again: stopping at once; the run keeps the flows committed so far\n`);
      process.exit(EXIT_STATUS[signal]);
    }
    this.signal = signal;
    this.settle();
    for (const wake of [...this.waiters]) wake();
    this.onFirst();
  }

  dispose(): void {
    for (const [signal, handler] of this.handlers) process.off(signal, handler);
    this.handlers.length = 0;
  }
}

/**
 * Lets timers, signal handlers and messages from other threads run: the file loop reads and
 * analyses synchronously, so without this a signal would wait for the end of every input.
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
