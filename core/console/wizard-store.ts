/**
 * Where resize wizards are kept between runs of the console: one JSON file per cluster in the data
 * directory's `wizards/` folder, written atomically (readable by the operator only) each time the
 * wizard changes, so a console closed or crashed mid-resize opens where it was. A file that cannot
 * be read is moved aside and reported, never lost and never fatal to the other wizards.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { LocalIoError } from '../errors.js';
import { writePrivateFile } from '../util/write-private-file.js';
import { describeIssue } from './contract-schemas.js';
import type { WizardRecord } from './wizard-state.js';

interface StoredWizard extends WizardRecord {
  readonly version: 1;
}

export interface LoadedWizards {
  readonly records: WizardRecord[];
  /** What could not be loaded and where it was moved, in the operator's words. */
  readonly notices: string[];
}

export class WizardStore {
  // Writes of one cluster's wizard go one after the other, so the last change is the one kept.
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly dir: string) {}

  async loadAll(): Promise<LoadedWizards> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], notices: [] };
      throw new LocalIoError('WIZARDS_UNREADABLE', `cannot read: ${(error as Error).message}`, {
        file: this.dir,
      });
    }
    const records: WizardRecord[] = [];
    const notices: string[] = [];
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      const file = join(this.dir, name);
      try {
        records.push(parseStored(await readFile(file, 'utf8')));
      } catch (error) {
        const aside = `${file}.damaged-${Date.now()}`;
        await rename(file, aside).catch(() => undefined);
        notices.push(
          `the resize wizard in ${file} could not be read (${(error as Error).message}); it was ` +
            `moved to ${aside}`,
        );
      }
    }
    return { records, notices };
  }

  save(record: WizardRecord): Promise<void> {
    const stored: StoredWizard = { version: 1, ...record };
    return this.queued(record.wizard.clusterId, () =>
      this.write(this.fileFor(record.wizard.clusterId), JSON.stringify(stored, null, 2) + '\n'),
    );
  }

  /** Settles once every write asked for so far has ended. */
  async flush(): Promise<void> {
    await Promise.all(this.queues.values());
  }

  remove(clusterId: string): Promise<void> {
    return this.queued(clusterId, async () => {
      try {
        await rm(this.fileFor(clusterId), { force: true });
      } catch (error) {
        throw new LocalIoError('WIZARD_UNWRITABLE', `cannot remove: ${(error as Error).message}`, {
          file: this.fileFor(clusterId),
        });
      }
    });
  }

  private queued(clusterId: string, work: () => Promise<void>): Promise<void> {
    const next = (this.queues.get(clusterId) ?? Promise.resolve()).then(work);
    // The queue goes on after a failure; the caller of the failed write hears of it.
    this.queues.set(
      clusterId,
      next.catch(() => undefined),
    );
    return next;
  }

  // Cluster ids are UUIDs, or "demo"; anything else (a hand-edited clusters.json) gets a name made
  // from its hash, so that no id can reach outside the folder. Not safeFileName's rule, on purpose:
  // a wizard saved by an earlier version must be found again under the name it was saved as.
  private fileFor(clusterId: string): string {
    const name = /^[A-Za-z0-9_-]{1,100}$/.test(clusterId)
      ? clusterId
      : `cluster-${createHash('sha256').update(clusterId).digest('hex').slice(0, 32)}`;
    return join(this.dir, `${name}.json`);
  }

  private async write(file: string, text: string): Promise<void> {
    try {
      await writePrivateFile(file, text);
    } catch (error) {
      throw new LocalIoError('WIZARD_UNWRITABLE', `cannot save: ${(error as Error).message}`, {
        file,
      });
    }
  }
}

// Enough of the shape to trust the rest: what the rules read is checked, the job summaries and
// reports kept for the report are taken as written.
const STEP = z.looseObject({
  step: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]),
  state: z.enum(['pending', 'running', 'succeeded', 'failed']),
  nodes: z.array(z.looseObject({ node: z.string(), state: z.string() })),
  jobIds: z.array(z.string()).optional(),
});

const STORED = z.looseObject({
  version: z.literal(1),
  wizard: z.looseObject({
    clusterId: z.string().min(1),
    clusterName: z.string(),
    startedAt: z.string(),
    updatedAt: z.string(),
    oldServers: z.array(z.string()),
    newServers: z.array(z.string()),
    remote: z.enum(['ssh', 'by-hand']),
    canReload: z.boolean(),
    current: z.union([z.number(), z.literal('complete')]),
    steps: z.array(STEP).length(5),
    blockers: z.array(z.string()),
    override: z.object({ reason: z.string(), at: z.string() }).optional(),
  }),
  resync: z
    .looseObject({
      finishedAt: z.string(),
      unresolved: z.record(z.string(), z.array(z.number().int())),
      problems: z.array(z.string()),
      summaries: z.array(z.unknown()),
      jobId: z.string().optional(),
    })
    .optional(),
  repairJobIds: z.array(z.string()).optional(),
  verify: z
    .looseObject({ jobId: z.string(), finishedAt: z.string(), report: z.looseObject({}) })
    .optional(),
});

function parseStored(text: string): WizardRecord {
  const parsed = STORED.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(describeIssue(parsed.error));
  }
  // The check above covers what the rules read; the rest is the console's own writing.
  return withoutVersion(parsed.data as unknown as StoredWizard);
}

function withoutVersion({ version: _version, ...record }: StoredWizard): WizardRecord {
  return record;
}
