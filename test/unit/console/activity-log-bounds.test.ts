/**
 * Regression tests for "the activity log grows without bound while running": an entry is cut to
 * ACTIVITY_ENTRY_MAX_BYTES with a marker, the file is rotated while the console runs, and
 * activity:list pages through the log in order, with no duplicates or gaps.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  ACTIVITY_ENTRY_MAX_BYTES,
  capEntry,
  CUT_MARKER,
} from '../../../core/console/activity-entry.js';
import { namedList, SERVERS } from '../../../core/console/activity-lists.js';
import { ACTIVITY_MEMORY_LIMIT, ActivityLog } from '../../../core/console/activity-log.js';
import type { ActivityEntry } from '../../../core/console/contract.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function logFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'astaire-activity-'));
  dirs.push(dir);
  return join(dir, 'activity.jsonl');
}

const lineBytes = (entry: ActivityEntry) => Buffer.byteLength(JSON.stringify(entry), 'utf8');

async function linesOf(file: string): Promise<ActivityEntry[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ActivityEntry);
}

describe('activity log bounded: an entry is cut to its cap', () => {
  const base: ActivityEntry = {
    id: 7,
    at: '2030-01-01T00:00:00.000Z',
    action: 'x',
    outcome: 'info',
  };

  it('leaves an entry under the cap as it is', () => {
    const entry = { ...base, detail: 'short' };
    assert.equal(capEntry(entry), entry);
  });

  it('cuts a long detail (ASCII, multi-byte, escaped) to the cap, with the marker', () => {
    for (const unit of ['a', 'é', '€', '😀', '\u0001', '"']) {
      const entry = { ...base, detail: unit.repeat(50_000) };
      const capped = capEntry(entry);
      assert.ok(lineBytes(capped) <= ACTIVITY_ENTRY_MAX_BYTES, `${unit}: ${lineBytes(capped)}`);
      assert.ok(capped.detail?.endsWith(CUT_MARKER), unit);
      assert.ok(lineBytes(capped) > ACTIVITY_ENTRY_MAX_BYTES / 2, `${unit}: most of it is kept`);
      assert.ok(capped.detail?.startsWith(unit.repeat(20)), unit);
      // A surrogate pair is never split: the text before the marker is whole characters.
      assert.ok(!/[\ud800-\udbff]$/.test(capped.detail?.slice(0, -CUT_MARKER.length) ?? ''));
    }
  });

  it('cuts the short fields too when they alone are too long', () => {
    const long = '\u0001'.repeat(5000);
    const capped = capEntry({ ...base, action: long, node: long, clusterId: long, detail: long });
    assert.ok(lineBytes(capped) <= ACTIVITY_ENTRY_MAX_BYTES, String(lineBytes(capped)));
    assert.equal(capped.action.length, 100);
  });

  it('names a few servers and counts the rest', () => {
    const servers = Array.from({ length: 4096 }, (_, i) => `127.0.${i >> 8}.${i & 255}:11211`);
    assert.equal(
      namedList(SERVERS, servers),
      '4,096 servers: 127.0.0.0:11211, 127.0.0.1:11211, 127.0.0.2:11211 and 4,093 more',
    );
    assert.equal(
      namedList(SERVERS, servers.slice(0, 2)),
      'servers 127.0.0.0:11211, 127.0.0.1:11211',
    );
    assert.equal(namedList(SERVERS, servers.slice(0, 1)), 'server 127.0.0.0:11211');
  });

  it('caps what the log records and what it loads from an older file', async () => {
    const file = await logFile();
    const log = new ActivityLog(file, () => {});
    await log.load();
    const recorded = log.record({ action: 'big', outcome: 'info', detail: 'z'.repeat(1_000_000) });
    assert.ok(lineBytes(recorded) <= ACTIVITY_ENTRY_MAX_BYTES);
    await log.close();
    const [line] = await linesOf(file);
    assert.ok(line !== undefined && lineBytes(line) <= ACTIVITY_ENTRY_MAX_BYTES);
  });
});

describe('activity log bounded: rotated while running', () => {
  it('moves the file aside at the append after it passed its limit, and keeps it', async () => {
    const file = await logFile();
    const older = file.replace(/\.jsonl$/, '.1.jsonl');
    const limit = 8 * 1024;
    const events: unknown[] = [];
    const log = new ActivityLog(file, (event) => events.push(event), { fileLimit: limit });
    await log.load();
    let rotations = 0;
    for (let i = 0; i < 200; i++) {
      log.record({ action: `save ${i}`, outcome: 'succeeded', detail: 'd'.repeat(200) });
      await log.written();
      const size = (await stat(file)).size;
      // At most one append past the limit: the next one rotates first.
      assert.ok(size <= limit + 2 * ACTIVITY_ENTRY_MAX_BYTES, `${size} bytes after save ${i}`);
      if (log.list({ limit: 1 })[0]?.action === 'activity log rotated') rotations++;
    }
    await log.close();
    assert.ok(rotations >= 3, `${rotations} rotations`);
    const kept = await linesOf(older);
    const current = await linesOf(file);
    assert.ok(kept.length > 0, 'the rotated file is kept');
    assert.equal((await stat(older)).mode & 0o777, 0o600);
    // The rotated file ends where the current one begins: the append that rotated, then the notice.
    assert.equal(current[0]?.id, (kept.at(-1)?.id ?? 0) + 1);
    assert.equal(current.find((e) => e.action === 'activity log rotated')?.id, current[1]?.id);
    // The memory keeps every entry of the run, rotations or not.
    assert.equal(
      log.list({ limit: Infinity }).filter((e) => e.action.startsWith('save')).length,
      200,
    );
  });
});

describe('activity log bounded: activity:list in pages', () => {
  it('pages back from the newest with no duplicates or gaps, oldest first in each page', async () => {
    const log = new ActivityLog(await logFile(), () => {});
    await log.load();
    const total = ACTIVITY_MEMORY_LIMIT + 123;
    for (let i = 0; i < total; i++) log.record({ action: `a${i}`, outcome: 'info' });
    const pages: ActivityEntry[][] = [];
    let before: number | undefined;
    for (;;) {
      const page = log.list({ limit: 333, ...(before === undefined ? {} : { before }) });
      if (page.length === 0) break;
      pages.unshift(page);
      before = page[0]?.id;
      if (page.length < 333) break;
      assert.ok(pages.length <= total / 333, 'paging does not come to an end');
    }
    const ids = pages.flat().map((e) => e.id);
    assert.equal(ids.length, ACTIVITY_MEMORY_LIMIT, 'every entry in memory, once');
    ids.forEach((id, index) =>
      assert.equal(id, (ids[0] ?? 0) + index, `gap or repeat at ${index}`),
    );
    assert.equal(ids.at(-1), total);
    assert.ok(pages.slice(1).every((page) => page.length === 333));
    assert.deepEqual(log.list({ before: 1 }), []);
    await log.close();
  });
});
