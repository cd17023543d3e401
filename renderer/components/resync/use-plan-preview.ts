import { useEffect, useState } from 'react';
import type { ClusterSummary, ErrorPayload, PlanPreview } from '../../../core/console/contract.js';
import { toErrorPayload } from '../../api/console-client.js';
import { useConsoleClient } from '../console-context.js';

export interface PlanPreviewState {
  readonly preview: PlanPreview | null;
  readonly error: ErrorPayload | null;
  readonly isLoading: boolean;
}

/** The cluster's plan (plan:preview), fetched again whenever its lists change. */
export function usePlanPreview(cluster: ClusterSummary | undefined): PlanPreviewState {
  const client = useConsoleClient();
  const [state, setState] = useState<PlanPreviewState>({
    preview: null,
    error: null,
    isLoading: cluster !== undefined,
  });
  useEffect(() => {
    if (cluster === undefined) return undefined;
    let isCurrent = true;
    setState({ preview: null, error: null, isLoading: true });
    client
      .invoke('plan:preview', { clusterId: cluster.id })
      .then((preview) => {
        if (isCurrent) setState({ preview, error: null, isLoading: false });
      })
      .catch((error: unknown) => {
        if (isCurrent) setState({ preview: null, error: toErrorPayload(error), isLoading: false });
      });
    return () => {
      isCurrent = false;
    };
  }, [client, cluster]);
  return state;
}
