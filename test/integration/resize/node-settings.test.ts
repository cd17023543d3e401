/**
 * The resize's remote steps against a real sshd: cluster_settings read on each node and checked
 * for agreement, rewritten atomically with a backup (and refused when someone edited it since it
 * was read), and the reload command run with its failure reported.
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SSHConfig from 'ssh-config';
import { ConfigError, RemoteCommandError } from '../../../core/errors.js';
import { parseClusterProfile, type ClusterProfile } from '../../../core/cluster/cluster-profile.js';
import {
  applySettingsWrite,
  checkAgreement,
  planSettingsWrite,
  readNodeSettings,
  reloadNode,
} from '../../../core/resize/node-settings.js';
import {
  profileConnector,
  type ProfileConnector,
} from '../../../core/transport/profile-connector.js';
import {
  sshAccessTo,
  knownHostsEntry,
  NO_PROMPTS,
  makeClientKeys,
  startSshd,
  type ClientKeys,
  type SshdProcess,
} from '../../support/sshd-process.js';

const NODES = ['10.0.0.1:11211', '10.0.0.2:11211'];

describe('cluster_settings on nodes, over SSH', () => {
  let keys: ClientKeys;
  let sshd: SshdProcess;
  let dir: string;

  before(async () => {
    keys = makeClientKeys();
    sshd = await startSshd(keys);
  });
  after(() => sshd.stop());

  function setUp(reloadCommand?: string): {
    profile: ClusterProfile;
    connector: ProfileConnector;
    files: string[];
  } {
    dir = mkdtempSync(join(tmpdir(), 'astaire-nodes-'));
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `${knownHostsEntry(sshd)}\n`);
    const files = NODES.map((_, i) => join(dir, `cluster_settings.${i}`));
    for (const file of files)
      writeFileSync(file, '# Managed by ops\nservers=10.0.0.1:11211,10.0.0.2:11211\n');
    const profile = parseClusterProfile(
      JSON.stringify({
        knownHostsFile: knownHosts,
        ...(reloadCommand === undefined ? {} : { reloadCommand }),
        nodes: Object.fromEntries(
          NODES.map((node, i) => [
            node,
            {
              ...sshAccessTo(sshd, keys),
              settingsPath: files[i],
            },
          ]),
        ),
      }),
      'test.profile.json',
    );
    const connector = profileConnector(profile, {
      sshConfig: new SSHConfig(),
      ssh: { prompts: NO_PROMPTS, agentSocket: '' },
    });
    return { profile, connector, files };
  }

  it('reads every node and says whether they agree', async () => {
    const { profile, connector, files } = setUp();
    try {
      const same = await Promise.all(
        NODES.map((node) => readNodeSettings(connector, profile, node)),
      );
      assert.deepEqual(same[0]?.settings, { servers: NODES, newServers: [] });
      assert.equal(checkAgreement(same).isAgreed, true);

      writeFileSync(files[1] as string, 'servers=10.0.0.1:11211\n');
      const different = await Promise.all(
        NODES.map((node) => readNodeSettings(connector, profile, node)),
      );
      const agreement = checkAgreement(different);
      assert.equal(agreement.isAgreed, false);
      assert.equal(agreement.agrees.get(NODES[1] as string), false);

      writeFileSync(files[1] as string, 'servers=10.0.0.1:11211\nbogus=1\n');
      const broken = await readNodeSettings(connector, profile, NODES[1] as string);
      assert.match(broken.error?.message ?? '', new RegExp(`${files[1]}:2: unknown key "bogus"`));
    } finally {
      connector.close();
    }
  });

  it('rewrites a node atomically, keeping owner, mode, comments and a backup', async () => {
    const { profile, connector, files } = setUp();
    const file = files[0] as string;
    chmodSync(file, 0o640);
    try {
      const settings = { servers: NODES, newServers: [...NODES, '10.0.0.3:11211'] };
      const planned = await planSettingsWrite(connector, profile, NODES[0] as string, settings);
      assert.match(
        planned.diff,
        /^ # Managed by ops\n servers=10\.0\.0\.1:11211,10\.0\.0\.2:11211\n\+new_servers=10\.0\.0\.1:11211,10\.0\.0\.2:11211,10\.0\.0\.3:11211\n$/,
      );
      const { backupPath } = await applySettingsWrite(connector, profile, planned);
      assert.equal(readFileSync(file, 'utf8'), planned.newText);
      assert.equal(readFileSync(backupPath, 'utf8'), planned.file.text);
      assert.equal(statSync(file).mode & 0o777, 0o640);
      assert.equal(statSync(file).uid, userInfo().uid);
      assert.deepEqual(
        readdirSync(dir).filter((name) => name.includes('astaire-new')),
        [],
        'no temporary file left',
      );
    } finally {
      connector.close();
    }
  });

  it('refuses to write over an edit made since the file was read, losing nothing', async () => {
    const { profile, connector, files } = setUp();
    const file = files[0] as string;
    try {
      const planned = await planSettingsWrite(connector, profile, NODES[0] as string, {
        servers: NODES,
        newServers: NODES.slice(0, 1),
      });
      const theirs =
        '# edited by a colleague\nservers=10.0.0.1:11211,10.0.0.2:11211,10.0.0.4:11211\n';
      writeFileSync(file, theirs);
      await assert.rejects(
        applySettingsWrite(connector, profile, planned),
        (error: unknown) =>
          error instanceof RemoteCommandError &&
          error.code === 'REMOTE_FILE_CHANGED' &&
          error.message.includes(file),
      );
      assert.equal(readFileSync(file, 'utf8'), theirs);
      assert.deepEqual(
        readdirSync(dir).filter((name) => name.includes('astaire')),
        [],
      );
    } finally {
      connector.close();
    }
  });

  it("runs the reload command, and a failing one's stderr reaches the caller", async () => {
    const ok = setUp('true');
    try {
      await reloadNode(ok.connector, ok.profile, NODES[0] as string);
    } finally {
      ok.connector.close();
    }
    const failing = setUp('echo "clearwater-infrastructure: no such service" >&2; exit 4');
    try {
      await assert.rejects(
        reloadNode(failing.connector, failing.profile, NODES[0] as string),
        (error: unknown) =>
          error instanceof RemoteCommandError &&
          error.code === 'RELOAD_FAILED' &&
          /exit status 4: clearwater-infrastructure: no such service/.test(error.message),
      );
    } finally {
      failing.connector.close();
    }
    const none = setUp();
    try {
      await assert.rejects(
        reloadNode(none.connector, none.profile, NODES[0] as string),
        ConfigError,
      );
    } finally {
      none.connector.close();
    }
  });
});
