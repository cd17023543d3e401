/**
 * A cluster's plan (plan:preview) from the plan slice, fetched when a screen shows the cluster and
 * again whenever its server lists change, so every screen reads the one copy.
 */
import { useEffect, useMemo } from 'react';
import type { ClusterSummary, PlanPreview } from '../../../core/console/contract.js';
import { selectPreview, type Fetched } from '../../store/plan-slice.js';
import { useConsole, useConsoleClient } from '../console-context.js';

/** `isWanted` false: the screen has no use for a plan now (no resize planned), so none is asked. */
export function useClusterPlan(cluster: ClusterSummary, isWanted = true): Fetched<PlanPreview> {
  const client = useConsoleClient();
  const preview = useConsole(useMemo(() => selectPreview(cluster.id), [cluster.id]));
  const loadPreview = useConsole((state) => state.loadPreview);
  const listsKey = JSON.stringify([cluster.servers, cluster.newServers]);
  useEffect(() => {
    if (isWanted) void loadPreview(client, cluster.id);
  }, [client, loadPreview, cluster.id, listsKey, isWanted]);
  return preview;
}
