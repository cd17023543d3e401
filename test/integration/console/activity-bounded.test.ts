/**
 * Regression test for "the activity log grows without bound while running": 300 saves of a
 * 4,096-server cluster through the console's service. Each save logged the whole server list (a
 * 47 MB activity:list answer, the file past its rotation size, rotated only at start). Now each
 * entry names a few servers and is capped, a page of activity:list is bounded, the file rotates
 * while the console runs, and paging through activity:list gives every entry once, in order.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ACTIVITY_ENTRY_MAX_BYTES } from '../../../core/console/activity-entry.js';
import { ACTIVITY_MEMORY_LIMIT } from '../../../core/console/activity-log.js';
import { ClusterStore } from '../../../core/console/cluster-store.js';
import { ConsoleService } from '../../../core/console/console-service.js';
import {
  ACTIVITY_PAGE_LIMIT,
  type ActivityEntry,
  type Channel,
  type RequestOf,
} from '../../../core/console/contract.js';
import { callService } from '../../support/console-calls.js';

const SAVES = 300;
const SERVERS = Array.from({ length: 4096 }, (_, i) => `127.1.${i >> 8}.${i & 255}:11211`);
// Small, so that the 300 saves pass it several times while the service runs.
const FILE_LIMIT = 16 * 1024;

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

describe('activity log bounded: 300 saves of a 4,096-server cluster', () => {
  let dataDir: string;
  let service: ConsoleService;
  const call = <C extends Channel>(channel: C, request: RequestOf<C>) =>
    callService(service, channel, request);

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'astaire-activity-bounded-'));
    service = new ConsoleService({
      mode: 'web',
      store: await ClusterStore.open(join(dataDir, 'clusters.json')),
      activityFileLimit: FILE_LIMIT,
    });
    let id: string | undefined;
    for (let i = 0; i < SAVES; i++) {
      const definition = { name: `big-${i}`, servers: SERVERS, newServers: [] };
      const saved = await call(
        'clusters:save',
        id === undefined ? { definition } : { id, definition },
      );
      id = saved.id;
    }
  });
  after(async () => {
    await service.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('logs each save under the entry cap, with a count and a few names', async () => {
    const saves = (await walkPages()).filter((e) => e.action.startsWith('cluster '));
    assert.equal(saves.length, SAVES);
    for (const entry of saves) assert.ok(bytesOf(entry) <= ACTIVITY_ENTRY_MAX_BYTES);
    assert.match(
      saves.at(-1)?.detail ?? '',
      /^"big-299": 4,096 servers: 127\.1\.0\.0:11211, 127\.1\.0\.1:11211, 127\.1\.0\.2:11211 and 4,093 more; reached directly$/,
    );
  });

  it('answers activity:list with a page of bounded size', async () => {
    const page = await call('activity:list', null);
    assert.ok(page.length <= ACTIVITY_PAGE_LIMIT);
    assert.ok(bytesOf(page) <= ACTIVITY_PAGE_LIMIT * ACTIVITY_ENTRY_MAX_BYTES, `${bytesOf(page)}`);
    await assert.rejects(call('activity:list', { limit: ACTIVITY_PAGE_LIMIT + 1 }), /limit/);
  });

  it('pages back through every entry once, in order', async () => {
    const all = await walkPages();
    const ids = all.map((e) => e.id);
    ids.forEach((id, index) => assert.equal(id, index + 1, `gap or repeat at ${index}`));
    assert.ok(all.length >= SAVES);
  });

  it('rotated the file while running and kept the rotated one', async () => {
    // The log was empty when the service started: any rotation happened while it ran.
    const all = await walkPages();
    assert.ok(all.some((e) => e.action === 'activity log rotated'));
    await service.close();
    const current = (await readFile(join(dataDir, 'activity.jsonl'), 'utf8')).split('\n');
    const older = (await readFile(join(dataDir, 'activity.1.jsonl'), 'utf8')).split('\n');
    assert.ok(older.length > 1 && current.length > 1);
    assert.ok((await stat(join(dataDir, 'activity.jsonl'))).size <= FILE_LIMIT + 4096);
  });

  // Every entry the console holds, by walking activity:list's pages from the newest back.
  async function walkPages(): Promise<ActivityEntry[]> {
    const pages: (readonly ActivityEntry[])[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await call('activity:list', {
        limit: 128,
        ...(before === undefined ? {} : { before }),
      });
      pages.unshift(page);
      if (page.length < 128) return pages.flat();
      // The log holds at most ACTIVITY_MEMORY_LIMIT entries: more pages means paging goes round.
      assert.ok(pages.length <= ACTIVITY_MEMORY_LIMIT / 128, 'paging does not come to an end');
      before = page[0]?.id;
    }
  }
});
