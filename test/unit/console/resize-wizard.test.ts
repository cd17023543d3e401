/**
 * The resize wizard through a real ConsoleService on a temporary data directory, with steps done
 * by hand (nothing here opens a socket): beginning, step order, the cluster's lists following the
 * steps, blockers and overrides, abandoning, and a wizard that survives a restart of the console,
 * including one whose step was running when the console stopped.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ClusterStore } from '../../../core/console/cluster-store.js';
import { dispatch } from '../../../core/console/console-backend.js';
import { ConsoleService } from '../../../core/console/console-service.js';
import type {
  Channel,
  ConsoleEvent,
  RequestOf,
  ResponseOf,
} from '../../../core/console/contract.js';
import {
  createWizard,
  stepOf,
  withStep,
  type WizardRecord,
} from '../../../core/console/wizard-state.js';

const OLD = ['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211'];
const NEW = [...OLD, '10.0.0.4:11211'];

const dirs: string[] = [];
const services: ConsoleService[] = [];
after(async () => {
  await Promise.all(services.map((s) => s.close()));
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

interface Console {
  readonly service: ConsoleService;
  readonly events: ConsoleEvent[];
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
}

async function openConsole(dataDir: string): Promise<Console> {
  const service = new ConsoleService({
    mode: 'web',
    store: await ClusterStore.open(join(dataDir, 'clusters.json')),
    dataDir,
  });
  services.push(service);
  const events: ConsoleEvent[] = [];
  service.subscribe((event) => events.push(event));
  return {
    service,
    events,
    async call(channel, request) {
      const result = await dispatch(service, channel, request);
      if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
      return result.value as ResponseOf<typeof channel>;
    },
  };
}

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'astaire-wizard-'));
  dirs.push(dir);
  return dir;
}

async function withCluster(dir: string): Promise<{ app: Console; clusterId: string }> {
  const app = await openConsole(dir);
  const { id } = await app.call('clusters:save', {
    definition: { name: 'prod', servers: OLD, newServers: [] },
  });
  return { app, clusterId: id };
}

describe('the resize wizard in the console service', () => {
  it('begins a resize from the cluster servers, and refuses a second or a conflicting one', async () => {
    const dir = await dataDir();
    const { app, clusterId } = await withCluster(dir);
    assert.equal(await app.call('wizard:get', { clusterId }), null);
    await assert.rejects(app.call('wizard:begin', { clusterId, newServers: OLD }), {
      code: 'NO_RESIZE',
    });
    await assert.rejects(
      app.call('wizard:begin', { clusterId, newServers: [...OLD, 'not an address'] }),
      { code: 'CLUSTER_INVALID' },
    );
    const wizard = await app.call('wizard:begin', { clusterId, newServers: NEW });
    assert.deepEqual(wizard.oldServers, OLD);
    assert.deepEqual(wizard.newServers, NEW);
    assert.equal(wizard.remote, 'by-hand', 'no profile: the remote steps are by hand');
    assert.equal(wizard.canReload, false);
    assert.equal(wizard.current, 1);
    assert.deepEqual(await app.call('wizard:get', { clusterId }), wizard);
    assert.ok(
      app.events.some((e) => e.type === 'wizard-changed' && e.wizard.clusterId === clusterId),
    );
    await assert.rejects(app.call('wizard:begin', { clusterId, newServers: NEW }), {
      code: 'WIZARD_EXISTS',
    });

    // A cluster that already lists other new servers cannot begin a different resize.
    const { id: other } = await app.call('clusters:save', {
      definition: { name: 'other', servers: OLD, newServers: OLD.slice(0, 2) },
    });
    await assert.rejects(app.call('wizard:begin', { clusterId: other, newServers: NEW }), {
      code: 'WIZARD_LISTS_DIFFER',
    });
    await assert.rejects(app.call('wizard:begin', { clusterId: 'nope', newServers: NEW }), {
      code: 'UNKNOWN_CLUSTER',
    });

    const file = join(dir, 'wizards', `${clusterId}.json`);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });

  it('runs the steps in order, by hand, and moves the cluster lists with steps 1 and 4', async () => {
    const dir = await dataDir();
    const { app, clusterId } = await withCluster(dir);
    await app.call('wizard:begin', { clusterId, newServers: NEW });

    const early = app.call('wizard:run-step', { clusterId, step: 2, byHand: true });
    await assert.rejects(early, (error: Error & { code?: string }) => {
      assert.equal(error.code, 'WIZARD_OUT_OF_ORDER');
      assert.match(error.message, /run step 1 \(write servers and new_servers\) first/);
      return true;
    });
    await assert.rejects(app.call('wizard:run-step', { clusterId, step: 1 }), {
      code: 'NEEDS_BY_HAND',
    });

    const preview = await app.call('wizard:preview-settings', { clusterId, step: 1 });
    assert.equal(preview.text, `servers=${OLD.join(',')}\nnew_servers=${NEW.join(',')}\n`);
    assert.deepEqual(preview.nodes, []);

    const one = await app.call('wizard:run-step', { clusterId, step: 1, byHand: true });
    const step1 = stepOf({ wizard: one }, 1);
    assert.equal(step1.state, 'succeeded');
    assert.equal(step1.byHand, true);
    assert.deepEqual(
      step1.nodes.map((n) => [n.node, n.state]),
      NEW.map((node) => [node, 'by-hand']),
    );
    assert.equal(one.current, 2);
    const cluster = (await app.call('clusters:list', null)).find((c) => c.id === clusterId);
    assert.deepEqual(cluster?.newServers, NEW, 'step 1 gives the cluster its new servers');
    assert.ok(app.events.some((e) => e.type === 'clusters-changed'));

    // The wizard moves the lists: an edit of them by hand is refused meanwhile.
    await assert.rejects(
      app.call('clusters:save', {
        id: clusterId,
        definition: { name: 'prod', servers: OLD, newServers: [] },
      }),
      { code: 'RESIZE_UNDER_WAY' },
    );
    await app.call('clusters:save', {
      id: clusterId,
      definition: { name: 'prod renamed', servers: OLD, newServers: NEW },
    });
    await assert.rejects(app.call('clusters:remove', { id: clusterId }), {
      code: 'RESIZE_UNDER_WAY',
    });

    const two = await app.call('wizard:run-step', { clusterId, step: 2, byHand: true });
    assert.equal(two.current, 3);
    await assert.rejects(app.call('wizard:run-step', { clusterId, step: 3, byHand: true }), {
      code: 'NOT_BY_HAND',
    });
    await assert.rejects(app.call('wizard:run-step', { clusterId, step: 4, byHand: true }), {
      code: 'WIZARD_OUT_OF_ORDER',
    });
    await assert.rejects(app.call('wizard:run-step', { clusterId, step: 1, byHand: true }), {
      code: 'WIZARD_OUT_OF_ORDER',
    });

    // Every step's change was announced with the whole state, and logged.
    const changes = app.events.filter((e) => e.type === 'wizard-changed');
    assert.ok(changes.length >= 3);
    const activity = await app.call('activity:list', null);
    const actions = activity.map((e) => `${e.action}/${e.outcome}`);
    assert.ok(actions.includes('resize wizard begun/started'), actions.join('\n'));
    assert.ok(actions.includes('step 1: write servers and new_servers/succeeded'));
    assert.ok(actions.includes('step 2: reload cluster_settings/succeeded'));
    assert.ok(actions.includes('step 2 not run/refused'));
  });

  it('resumes where it was after the console restarts, and fails a step that was running', async () => {
    const dir = await dataDir();
    const { app, clusterId } = await withCluster(dir);
    await app.call('wizard:begin', { clusterId, newServers: NEW });
    await app.call('wizard:run-step', { clusterId, step: 1, byHand: true });
    await app.service.close();

    const reopened = await openConsole(dir);
    const resumed = await reopened.call('wizard:get', { clusterId });
    assert.equal(resumed?.current, 2);
    assert.equal(stepOf({ wizard: resumed! }, 1).state, 'succeeded');

    // A step running when the console died: saved as running, found failed with the reason.
    const file = join(dir, 'wizards', `${clusterId}.json`);
    const saved = JSON.parse(await readFile(file, 'utf8')) as WizardRecord & { version: 1 };
    const running = withStep(
      saved,
      { ...stepOf(saved, 2), state: 'running', startedAt: new Date().toISOString() },
      new Date().toISOString(),
    );
    await reopened.service.close();
    await writeFile(file, JSON.stringify({ version: 1, ...running }));

    const third = await openConsole(dir);
    const interrupted = await third.call('wizard:get', { clusterId });
    const step2 = stepOf({ wizard: interrupted! }, 2);
    assert.equal(step2.state, 'failed');
    assert.equal(
      step2.error?.message,
      'interrupted: the console stopped while this step ran; run it again',
    );
    assert.equal(interrupted?.current, 2);
    const onDisk = JSON.parse(await readFile(file, 'utf8')) as WizardRecord;
    assert.equal(stepOf(onDisk, 2).state, 'failed', 'the interruption is saved');
    const log = await third.call('activity:list', null);
    assert.ok(log.some((e) => /interrupted while a step ran/.test(e.detail ?? '')));
    // The failed step runs again.
    const again = await third.call('wizard:run-step', { clusterId, step: 2, byHand: true });
    assert.equal(again.current, 3);
  });

  it('refuses step 4 while blockers stand, and lets it go ahead after a logged override', async () => {
    const dir = await dataDir();
    const { app, clusterId } = await withCluster(dir);
    await app.call('clusters:save', {
      id: clusterId,
      definition: { name: 'prod', servers: OLD, newServers: NEW },
    });
    await app.service.close();
    // A wizard whose resync left vbucket 17 of the new node without a source, and whose verify
    // since found keys missing: as a console that ran them would have saved it.
    const now = new Date().toISOString();
    let record = createWizard({
      clusterId,
      clusterName: 'prod',
      oldServers: OLD,
      newServers: NEW,
      remote: 'by-hand',
      canReload: false,
      now,
    });
    for (const step of [1, 2] as const) {
      record = withStep(record, { ...stepOf(record, step), state: 'succeeded', byHand: true }, now);
    }
    record = withStep(
      record,
      {
        ...stepOf(record, 3),
        state: 'failed',
        jobIds: ['r1'],
        error: { code: 'RESYNC_INCOMPLETE', message: 'vbucket 17', detail: { stage: 'usage' } },
      },
      now,
      {
        resync: { finishedAt: now, unresolved: { [NEW[3]!]: [17] }, problems: [], summaries: [] },
        verify: {
          jobId: 'v1',
          finishedAt: new Date(Date.now() + 1000).toISOString(),
          report: {
            checked: 100,
            missing: 4,
            stale: 0,
            repaired: 0,
            problems: [{ vbucket: 17, checked: 4, missing: 4, stale: 0, repaired: 0 }],
            failures: [],
            isClean: false,
          },
        },
      },
    );
    await mkdir(join(dir, 'wizards'), { recursive: true });
    await writeFile(
      join(dir, 'wizards', `${clusterId}.json`),
      JSON.stringify({ version: 1, ...record }),
    );

    const reopened = await openConsole(dir);
    const blocked = await reopened.call('wizard:get', { clusterId });
    assert.equal(blocked?.current, 3);
    assert.equal(blocked?.blockers.length, 2);
    assert.match(
      blocked?.blockers[0] ?? '',
      /10\.0\.0\.4:11211: 1 vbucket failed or had no source in the resync \(17\)/,
    );
    assert.match(blocked?.blockers[1] ?? '', /verify found 4 keys missing/);
    await assert.rejects(
      reopened.call('wizard:run-step', { clusterId, step: 4, byHand: true }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'WIZARD_BLOCKED');
        assert.match(error.message, /vbucket failed or had no source.*verify found 4 keys missing/);
        return true;
      },
    );
    await assert.rejects(reopened.call('wizard:override', { clusterId, reason: 'short' }), {
      code: 'BAD_REQUEST',
    });
    const overridden = await reopened.call('wizard:override', {
      clusterId,
      reason: 'vbucket 17 holds only expired sessions',
    });
    assert.deepEqual(overridden.blockers, []);
    assert.equal(overridden.override?.reason, 'vbucket 17 holds only expired sessions');

    // With the override, the unclean verify since the last resync is enough: no new verify runs.
    const four = await reopened.call('wizard:run-step', { clusterId, step: 4, byHand: true });
    assert.equal(stepOf({ wizard: four }, 4).state, 'succeeded');
    assert.equal(stepOf({ wizard: four }, 3).state, 'failed', 'the resync stays failed on record');
    assert.equal(four.current, 5);
    const cluster = (await reopened.call('clusters:list', null)).find((c) => c.id === clusterId);
    assert.deepEqual(cluster?.servers, NEW);
    assert.deepEqual(cluster?.newServers, []);
    await assert.rejects(
      reopened.call('wizard:override', { clusterId, reason: 'too late for anything now' }),
      { code: 'WIZARD_TOO_LATE' },
    );

    const five = await reopened.call('wizard:run-step', { clusterId, step: 5, byHand: true });
    assert.equal(five.current, 'complete');
    assert.equal(five.report?.override?.reason, 'vbucket 17 holds only expired sessions');
    assert.equal(five.report?.verify?.missing, 4);
    assert.deepEqual(five.report?.newServers, NEW);

    const log = await reopened.call('activity:list', null);
    const override = log.find((e) => e.action === 'blockers overridden');
    assert.match(override?.detail ?? '', /reason: vbucket 17 holds only expired sessions/);
    assert.match(override?.detail ?? '', /verify found 4 keys missing/);
    assert.ok(log.some((e) => e.action === 'step 4 not run' && e.outcome === 'refused'));
    assert.ok(log.some((e) => e.action === 'resize complete'));

    // A completed wizard gives way to a new one, and goes with its cluster.
    await reopened.call('clusters:remove', { id: clusterId });
    assert.deepEqual(await readdir(join(dir, 'wizards')), []);
  });

  it('abandons a wizard (logged), leaving the cluster lists as they are', async () => {
    const dir = await dataDir();
    const { app, clusterId } = await withCluster(dir);
    await app.call('wizard:begin', { clusterId, newServers: NEW });
    await app.call('wizard:run-step', { clusterId, step: 1, byHand: true });
    await app.call('wizard:abandon', { clusterId });
    assert.equal(await app.call('wizard:get', { clusterId }), null);
    assert.ok(app.events.some((e) => e.type === 'wizard-removed' && e.clusterId === clusterId));
    assert.deepEqual(await readdir(join(dir, 'wizards')), []);
    const cluster = (await app.call('clusters:list', null)).find((c) => c.id === clusterId);
    assert.deepEqual(cluster?.newServers, NEW);
    await assert.rejects(app.call('wizard:abandon', { clusterId }), { code: 'NO_WIZARD' });
    const log = await app.call('activity:list', null);
    const abandoned = log.find((e) => e.action === 'resize wizard abandoned');
    assert.match(abandoned?.detail ?? '', /at step 2/);
  });

  it('moves a damaged wizard file aside and says so, without losing the others', async () => {
    const dir = await dataDir();
    const { app, clusterId } = await withCluster(dir);
    await app.call('wizard:begin', { clusterId, newServers: NEW });
    await app.service.close();
    await writeFile(join(dir, 'wizards', 'broken.json'), '{"version": 1, "wizard": ');
    const reopened = await openConsole(dir);
    assert.equal((await reopened.call('wizard:get', { clusterId }))?.current, 1);
    const names = await readdir(join(dir, 'wizards'));
    assert.ok(
      names.some((n) => n.startsWith('broken.json.damaged-')),
      names.join(', '),
    );
    const log = await reopened.call('activity:list', null);
    assert.ok(log.some((e) => /broken\.json could not be read/.test(e.detail ?? '')));
  });
});
