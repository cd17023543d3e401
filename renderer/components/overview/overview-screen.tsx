// Scaffolding: replaced by the overview screen itself (node table and vbucket map).
import { ClusterStatus } from '../cluster-status.js';

export function OverviewScreen() {
  return <ClusterStatus />;
}
