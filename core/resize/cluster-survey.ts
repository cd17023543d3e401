/**
 * A cluster as it is now: every node's status (see node-status.ts) and, when a profile lets us read
 * files on the nodes, each node's own cluster_settings and whether they all agree. `astaire status`
 * and the console's cluster overview both show this one survey.
 */
import type { ClusterSettings } from '../cluster/cluster-settings.js';
import { clusterNodes } from '../cluster/worklist.js';
import type { ErrorPayload } from '../errors.js';
import { clusterStatus, type NodeStatus } from '../resync/node-status.js';
import type { ClusterAccess } from '../transport/cluster-access.js';
import type { DirectConnectorOptions } from '../transport/node-connector.js';
import {
  checkAgreement,
  readNodeSettings,
  type NodeSettings,
  type SettingsAgreement,
} from './node-settings.js';

/** A survey should say a node is down, not wait for it: deadlines for its connections. */
export const SURVEY_DEADLINES: DirectConnectorOptions = { timeoutMs: 3000, connectTimeoutMs: 3000 };

export interface SurveyedNode extends NodeStatus {
  /** With a profile: the node's own cluster_settings, or null when it could not be read. */
  readonly clusterSettings?: ClusterSettings | null;
  readonly settingsAgree?: boolean;
  readonly settingsError?: ErrorPayload;
}

export interface ClusterSurvey {
  readonly nodes: readonly SurveyedNode[];
  /** With a profile only. */
  readonly onNodes?: readonly NodeSettings[];
  readonly agreement?: SettingsAgreement;
}

export async function surveyCluster(
  settings: ClusterSettings,
  access: ClusterAccess,
): Promise<ClusterSurvey> {
  const viaProfile = access.profile;
  const [statuses, onNodes] = await Promise.all([
    clusterStatus(settings, access.connect),
    viaProfile === undefined
      ? undefined
      : Promise.all(
          clusterNodes(settings).map((node) =>
            readNodeSettings(viaProfile.connector, viaProfile.profile, node),
          ),
        ),
  ]);
  if (onNodes === undefined) return { nodes: statuses };
  const agreement = checkAgreement(onNodes);
  const nodes = statuses.map((status): SurveyedNode => {
    const mine = onNodes.find((n) => n.node === status.node);
    if (mine === undefined) return status;
    return {
      ...status,
      clusterSettings: mine.settings ?? null,
      settingsAgree: agreement.agrees.get(status.node) === true,
      ...(mine.error === undefined ? {} : { settingsError: mine.error }),
    };
  });
  return { nodes, onNodes, agreement };
}
