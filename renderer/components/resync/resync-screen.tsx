/**
 * Resync one node: pick it, pick minimal or full (with advice from its tag record), optionally a
 * rate limit, read what would be streamed from where, and start. The live view then follows it.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import type { ClusterSummary, ErrorPayload, SurveyedNode } from '../../../core/console/contract.js';
import { formatCount } from '../../../core/util/format-units.js';
import { toErrorPayload } from '../../api/console-client.js';
import { selectSelectedCluster, selectSelectedStatus } from '../../store/clusters-slice.js';
import { useClusterPlan } from '../plan/use-cluster-plan.js';
import { formatTime } from '../format-time.js';
import { useConsole, useConsoleClient } from '../console-context.js';
import { clusterNodeList, useNodeIndex } from '../live/cluster-nodes.js';
import { NodeChip } from '../live/node-chip.js';
import { ThrottleControl } from '../throttle/throttle-control.js';
import { adviseMode, previewWorklist, roleOf, roleWords } from './resync-plan.js';
import { ResyncPreview } from './resync-preview.js';
import { ownEntry } from '../../../core/shared/own-entry.js';

export function ResyncScreen() {
  const cluster = useConsole(selectSelectedCluster);
  if (cluster === undefined) {
    return (
      <section className="panel empty">
        <p className="muted">Select a cluster to resync one of its nodes.</p>
      </section>
    );
  }
  return <ResyncForm key={cluster.id} cluster={cluster} />;
}

function ResyncForm({ cluster }: { readonly cluster: ClusterSummary }) {
  const id = useId();
  const client = useConsoleClient();
  const status = useConsole(selectSelectedStatus);
  const startJob = useConsole((state) => state.startJob);
  const watchJob = useConsole((state) => state.watchJob);
  const jobsById = useConsole((state) => state.jobsById);
  const refreshStatus = useConsole((state) => state.refreshStatus);
  const nodes = useNodeIndex(cluster.id);
  const plan = useClusterPlan(cluster);
  const [node, setNode] = useState<string | null>(null);
  // null: follow the advice for the node (minimal when there is none).
  const [chosenFull, setChosenFull] = useState<boolean | null>(null);
  const [rateLimit, setRateLimit] = useState(0);
  const [hasRateTypo, setRateTypo] = useState(false);
  const [isStarting, setIsStarting] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);

  // The tag records behind the advice change with every resync: read them afresh on arrival.
  const clusterId = cluster.id;
  useEffect(() => {
    void refreshStatus(client, clusterId);
  }, [client, clusterId, refreshStatus]);

  const nodeList = useMemo(() => clusterNodeList(cluster), [cluster]);
  const statusOf = (name: string): SurveyedNode | undefined =>
    status.report?.nodes.find((entry) => entry.node === name);
  const advice = node === null ? undefined : adviseMode(statusOf(node));
  const full = chosenFull ?? advice?.full ?? false;
  const worklists = node === null ? undefined : ownEntry(plan.value?.plan.worklists, node);
  const preview = useMemo(
    () =>
      worklists === undefined
        ? undefined
        : previewWorklist(full ? worklists.full : worklists.minimal),
    [worklists, full],
  );
  const counts =
    worklists === undefined
      ? undefined
      : {
          minimal: Object.keys(worklists.minimal).length,
          full: Object.keys(worklists.full).length,
        };
  const busyWith = Object.values(jobsById).find(
    (job) =>
      job.state === 'running' &&
      job.clusterId === cluster.id &&
      node !== null &&
      job.targets.includes(node),
  );
  const nodeStatus = node === null ? undefined : statusOf(node);

  const whyNotStart =
    node === null
      ? 'Pick the node to resync.'
      : busyWith !== undefined
        ? `${node} is already being filled by a running job.`
        : preview !== undefined && preview.vbuckets === 0
          ? `Nothing to stream: the plan gives ${node} no vbucket to fetch${full ? '' : ' (a full resync fetches every vbucket it will hold)'}.`
          : hasRateTypo
            ? 'Fix the rate limit, or leave it blank for no limit.'
            : undefined;

  const start = () => {
    if (node === null) return;
    setIsStarting(true);
    setError(null);
    startJob(client, {
      kind: 'resync',
      clusterId: cluster.id,
      target: node,
      full,
      ...(rateLimit > 0 ? { rateLimit } : {}),
    })
      .then((job) => watchJob(job.id))
      .catch((failure: unknown) => setError(toErrorPayload(failure)))
      .finally(() => setIsStarting(false));
  };

  return (
    <form
      className="resync-screen"
      aria-labelledby={`${id}-heading`}
      onSubmit={(event) => {
        event.preventDefault();
        if (whyNotStart === undefined && !isStarting) start();
      }}
    >
      <section className="panel">
        <h2 id={`${id}-heading`}>Resync a node of {cluster.name}</h2>
        <fieldset className="node-choice">
          <legend>Node</legend>
          {nodeList.map((name) => {
            const entry = statusOf(name);
            return (
              <label key={name} className={node === name ? 'is-chosen' : undefined}>
                <input
                  type="radio"
                  name={`${id}-node`}
                  value={name}
                  checked={node === name}
                  onChange={() => {
                    setNode(name);
                    setChosenFull(null);
                    setError(null);
                  }}
                />
                <NodeChip nodes={nodes} node={name} />
                <span className="node-role">{roleWords(entry?.role ?? roleOf(cluster, name))}</span>
                <span className="node-tag muted">{tagWords(entry)}</span>
              </label>
            );
          })}
        </fieldset>
        {nodeStatus !== undefined && !nodeStatus.isReachable && (
          <p className="warning" role="status">
            ⚠ {node} did not answer the last status check
            {nodeStatus.error === undefined ? '' : ` (${nodeStatus.error.message})`}: a resync into
            it fails until it is back.
          </p>
        )}
      </section>

      <section className="panel">
        <fieldset className="mode-choice" aria-describedby={`${id}-advice`}>
          <legend>What to stream</legend>
          <label>
            <input
              type="radio"
              name={`${id}-mode`}
              checked={!full}
              onChange={() => setChosenFull(false)}
            />
            <span>
              <strong>Minimal</strong>
              {counts === undefined ? '' : ` (${formatCount(counts.minimal)} vbuckets)`}: only the
              vbuckets the node lacks under the plan, the usual resync during a resize.
            </span>
          </label>
          <label>
            <input
              type="radio"
              name={`${id}-mode`}
              checked={full}
              onChange={() => setChosenFull(true)}
            />
            <span>
              <strong>Full</strong>
              {counts === undefined ? '' : ` (${formatCount(counts.full)} vbuckets)`}: every vbucket
              the node will hold, as if it held none: after a restart, or when its data cannot be
              trusted.
            </span>
          </label>
        </fieldset>
        <p id={`${id}-advice`} className={advice?.full === true ? 'advice is-strong' : 'advice'}>
          {advice === undefined
            ? node === null
              ? ''
              : 'No tag record was read for this node (check its status on the overview): when in doubt, choose full.'
            : `${advice.full ? 'Full is recommended. ' : ''}${advice.reason}`}
        </p>
        <ThrottleControl
          label="Rate limit into the node"
          value={rateLimit}
          debounceMs={0}
          onCommit={setRateLimit}
          onTypo={setRateTypo}
          hint="It can be changed while the resync runs."
        />
      </section>

      <ResyncPreview node={node} full={full} plan={plan} preview={preview} nodes={nodes} />

      <section className="panel resync-start">
        {busyWith !== undefined && (
          <p className="warning">
            ⚠ {node} is already being filled by a running {busyWith.kind}.{' '}
            <button type="button" className="link" onClick={() => watchJob(busyWith.id)}>
              Watch it
            </button>
          </p>
        )}
        {error !== null && (
          <p className="error" role="alert">
            {error.message} <span className="error-code mono">({error.code})</span>
          </p>
        )}
        <button
          type="submit"
          className="primary"
          disabled={whyNotStart !== undefined || isStarting}
          aria-describedby={`${id}-why`}
        >
          {isStarting
            ? 'Starting…'
            : node === null
              ? 'Start the resync'
              : `Start a ${full ? 'full' : 'minimal'} resync of ${node}`}
        </button>
        {whyNotStart !== undefined && (
          <p id={`${id}-why`} className="hint">
            {whyNotStart}
          </p>
        )}
      </section>
    </form>
  );
}

function tagWords(entry: SurveyedNode | undefined): string {
  if (entry === undefined || entry.tag === undefined) {
    return entry?.isReachable === false ? 'DOWN' : 'tag record not read';
  }
  if (entry.tag === null) return 'no tag record';
  return `${entry.tag.full ? 'full' : 'minimal'} resync ${formatTime(entry.tag.resyncedAt)}`;
}
