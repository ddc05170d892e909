import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

// Batches ClickHouse could not take, kept on disk until it can: one JSON file per batch, named so
// that names sort oldest first. A file appears whole or not at all (written to a temporary name,
// synced, then renamed), so a crash while spooling never leaves half a batch to replay.

/** One table's share of a batch: TabSeparated lines for the listed columns. */
export interface TableInsert {
  table: string;
  /** the columns the lines hold, in order (a spooled batch stays readable after a schema change) */
  columns: string[];
  lines: string[];
  /** the days the rows fall in: the exactly-once check reads only these partitions */
  firstDay: string;
  lastDay: string;
  /** look for rows of an earlier attempt before sending (false for runs: a repeat is harmless) */
  checkable: boolean;
  /** an earlier attempt may have reached the server (not stored: always true when read back) */
  mayHaveReached?: boolean;
}

export interface Batch {
  /** stored in every row's batch_id: `${probe}-${runId}-${sequence}` */
  id: string;
  probe: string;
  runId: number;
  /** flows in the batch (0 for a runs row) */
  flows: number;
  /** what is still to be written, flows first; each is removed once written */
  inserts: TableInsert[];
}

const SUFFIX = '.batch.json';
const fileSafe = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_');

export class Spool {
  /** orders the batches one process spools within the same millisecond */
  private sequence = 0;

  constructor(readonly dir: string) {}

  async add(batch: Batch): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const name = `${String(Date.now()).padStart(15, '0')}-${String(this.sequence++).padStart(9, '0')}-${fileSafe(batch.id)}${SUFFIX}`;
    const temporary = join(this.dir, `.${name}.${process.pid}.tmp`);
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(JSON.stringify(batch, (key, value: unknown) => (key === 'mayHaveReached' ? undefined : value)));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, join(this.dir, name));
  }

  /** spooled batch file names, oldest first */
  async names(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((n) => n.endsWith(SUFFIX) && !n.startsWith('.')).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  /**
   * A spooled batch. Any of its inserts may have reached ClickHouse before it was spooled, or
   * while an earlier replay was cut short, so every insert is checked before it is sent again.
   */
  async read(name: string): Promise<Batch> {
    const batch = JSON.parse(await readFile(join(this.dir, name), 'utf8')) as Batch;
    for (const i of batch.inserts) i.mayHaveReached = true;
    return batch;
  }

  async remove(name: string): Promise<void> {
    await rm(join(this.dir, name), { force: true });
  }

  /** Keeps a file that cannot be read out of the replay, under a name that says so. */
  async setAside(name: string): Promise<string> {
    const aside = `${name}.unreadable`;
    await rename(join(this.dir, name), join(this.dir, aside));
    return aside;
  }
}
