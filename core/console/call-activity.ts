/**
 * What the operator's calls put in the activity log: each action the service carries out on a
 * call (a cluster saved, a connection test the operator asked for, a job cancelled, a question
 * answered, ...) and each refusal, with its reason. What the service's own events tell (jobs,
 * wizard steps) is logged from those events instead (activity-log.ts), what the wizard does on
 * each node and its overrides by the wizard (resize-wizard.ts), and reads (lists, previews, the
 * status the console reads by itself) are not logged at all.
 */
import { toErrorPayload } from '../errors.js';
import { formatBytes } from '../util/format-units.js';
import { ownEntry } from '../shared/own-entry.js';
import { namedList, NEW_SERVERS, SERVERS, shortList } from './activity-lists.js';
import type { ActivityRecord } from './activity-log.js';
import type {
  Channel,
  ClusterSummary,
  JobSummary,
  OperatorPrompt,
  RequestOf,
  ResizeWizard,
  ResponseOf,
} from './contract.js';

/** What the service knew just before the call, for calls whose subject it changes or ends. */
export interface CallContext {
  readonly cluster?: ClusterSummary;
  readonly job?: JobSummary;
  readonly prompt?: OperatorPrompt;
}

export type CallOutcome<C extends Channel> =
  | { readonly ok: true; readonly value: ResponseOf<C> }
  | { readonly ok: false; readonly error: unknown };

/** The entries a call leaves in the activity log (none for reads). */
export function callActivity<C extends Channel>(
  channel: C,
  request: RequestOf<C>,
  outcome: CallOutcome<C>,
  context: CallContext,
): ActivityRecord[] {
  if (isConsoleOwnRead(channel, request)) return [];
  if (!outcome.ok) return refusal(channel, request, outcome.error, context);
  // Each case narrows by the channel it names; TypeScript cannot narrow C itself.
  const call = { channel, request, value: outcome.value } as AnyCall;
  switch (call.channel) {
    case 'clusters:save':
      return [
        {
          clusterId: call.value.id,
          action: call.request.id === undefined ? 'cluster added' : 'cluster saved',
          outcome: 'succeeded',
          detail: describeCluster(call.value),
        },
      ];
    case 'clusters:remove':
      return [
        {
          clusterId: call.request.id,
          action: 'cluster removed',
          outcome: 'succeeded',
          ...(context.cluster === undefined ? {} : { detail: `"${context.cluster.name}"` }),
        },
      ];
    case 'cluster:status': {
      const { nodes, settingsAgree, clusterId } = call.value;
      const down = nodes.filter((n) => !n.isReachable);
      const unread = nodes.filter((n) => n.settingsError !== undefined);
      const isGood = down.length === 0 && settingsAgree !== false;
      return [
        {
          clusterId,
          action: 'connection test',
          outcome: isGood ? 'succeeded' : 'failed',
          detail:
            `${nodes.length - down.length} of ${nodes.length} nodes answered` +
            (settingsAgree === undefined
              ? ''
              : settingsAgree
                ? '; their cluster_settings agree'
                : '; their cluster_settings do NOT agree'),
        },
        ...down.map((node): ActivityRecord => ({
          clusterId,
          node: node.node,
          action: 'connection test',
          outcome: 'failed',
          detail: node.error?.message ?? 'did not answer',
        })),
        ...unread.map((node): ActivityRecord => ({
          clusterId,
          node: node.node,
          action: 'cluster_settings not read',
          outcome: 'failed',
          detail: node.settingsError?.message ?? '',
        })),
      ];
    }
    case 'jobs:cancel':
    case 'jobs:pause':
    case 'jobs:resume': {
      const verb = { 'jobs:cancel': 'cancel', 'jobs:pause': 'pause', 'jobs:resume': 'resume' }[
        call.channel
      ];
      return [
        {
          ...jobPlace(context.job),
          action: `${context.job?.kind ?? 'job'} ${verb} requested`,
          outcome: 'info',
          detail: `job ${call.request.jobId}`,
        },
      ];
    }
    case 'jobs:set-rate':
      return [
        {
          ...jobPlace(context.job),
          action: 'rate limit changed',
          outcome: 'info',
          detail:
            `job ${call.request.jobId}: ` +
            (call.request.bytesPerSecond === 0
              ? 'no limit'
              : `at most ${formatBytes(call.request.bytesPerSecond)}/s per target`),
        },
      ];
    case 'wizard:begin':
      return [
        {
          clusterId: call.value.clusterId,
          action: 'resize wizard begun',
          outcome: 'started',
          detail: describeResize(call.value),
        },
      ];
    case 'prompts:answer':
      return context.prompt === undefined
        ? []
        : [describeAnswer(context.prompt, call.request.answer)];
    default:
      return [];
  }
}

/**
 * A status read the console makes by itself, on selecting a cluster or opening a tab: logging it
 * put a "connection test" line in the log at every tab visit. Only the operator's test is logged.
 */
function isConsoleOwnRead<C extends Channel>(channel: C, request: RequestOf<C>): boolean {
  return (
    channel === 'cluster:status' && (request as RequestOf<'cluster:status'>).isOperatorTest !== true
  );
}

function refusal<C extends Channel>(
  channel: C,
  request: RequestOf<C>,
  error: unknown,
  context: CallContext,
): ActivityRecord[] {
  // Own keys only: a channel name that reached here unchecked must not find an inherited member.
  const action = ownEntry(REFUSED_ACTIONS, channel);
  if (action === undefined) return [];
  const payload = toErrorPayload(error);
  const fields = (request ?? {}) as {
    clusterId?: unknown;
    id?: unknown;
    step?: unknown;
    kind?: unknown;
  };
  const clusterId =
    typeof fields.clusterId === 'string'
      ? fields.clusterId
      : typeof fields.id === 'string'
        ? fields.id
        : context.job?.clusterId;
  return [
    {
      ...(clusterId === undefined ? {} : { clusterId }),
      action: action
        .replace('{step}', String(fields.step))
        .replace('{kind}', typeof fields.kind === 'string' ? fields.kind : 'job'),
      // Refused: the service would not do it (a usage or configuration reason); failed: it tried.
      outcome:
        payload.detail.stage === 'usage' || payload.detail.stage === 'config'
          ? 'refused'
          : 'failed',
      detail: payload.message,
    },
  ];
}

const REFUSED_ACTIONS: Partial<Record<Channel, string>> = {
  'clusters:save': 'cluster not saved',
  'clusters:remove': 'cluster not removed',
  'cluster:status': 'connection test',
  'jobs:start': '{kind} not started',
  'jobs:cancel': 'job not cancelled',
  'jobs:set-rate': 'rate limit not changed',
  'jobs:pause': 'job not paused',
  'jobs:resume': 'job not resumed',
  'wizard:begin': 'resize wizard not begun',
  'wizard:run-step': 'step {step} not run',
  'wizard:override': 'override not recorded',
  'wizard:repair': 'blockers not repaired',
  'wizard:abandon': 'resize wizard not abandoned',
  'prompts:answer': 'answer not taken',
};

/** What an answer to `prompt` did, without the answer when it is a secret. */
export function describeAnswer(
  prompt: OperatorPrompt,
  answer: boolean | string | null,
): ActivityRecord {
  const isGiven = typeof answer === 'string' && answer !== '';
  switch (prompt.kind) {
    case 'host-key':
      return {
        action: answer === true ? 'host key trusted' : 'host key refused',
        outcome: 'info',
        detail: `${prompt.alias} (${prompt.host}:${prompt.port}): ${prompt.keyType} ${prompt.fingerprint}`,
      };
    case 'passphrase':
      return {
        action: isGiven ? 'passphrase given' : 'passphrase not given',
        outcome: 'info',
        detail: prompt.identityFile,
      };
    case 'password':
      return {
        action: isGiven ? 'password given' : 'password not given',
        outcome: 'info',
        detail: `${prompt.user}@${prompt.host}`,
      };
  }
}

type AnyCall = {
  [C in Channel]: {
    readonly channel: C;
    readonly request: RequestOf<C>;
    readonly value: ResponseOf<C>;
  };
}[Channel];

function jobPlace(job: JobSummary | undefined): Pick<ActivityRecord, 'clusterId' | 'node'> {
  if (job === undefined) return {};
  return {
    clusterId: job.clusterId,
    ...(job.kind === 'resync' && job.targets[0] !== undefined ? { node: job.targets[0] } : {}),
  };
}

function describeCluster(cluster: ClusterSummary): string {
  const lists = `"${cluster.name}": ${namedList(SERVERS, cluster.servers)}`;
  const next =
    cluster.newServers.length === 0 ? '' : `; ${namedList(NEW_SERVERS, cluster.newServers)}`;
  return `${lists}${next}; ${cluster.profile === undefined ? 'reached directly' : 'with a profile'}`;
}

function describeResize(wizard: ResizeWizard): string {
  return (
    `${wizard.oldServers.length} -> ${wizard.newServers.length} servers ` +
    `(${shortList(wizard.oldServers)} -> ${shortList(wizard.newServers)}); ` +
    (wizard.remote === 'ssh' ? 'remote steps over SSH' : 'remote steps by hand') +
    (wizard.remote === 'ssh' && !wizard.canReload ? ', reloads by hand' : '')
  );
}
