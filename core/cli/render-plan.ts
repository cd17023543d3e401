/** The human summary printed by `astaire plan`. */
import type { ResizePlan } from '../cluster/plan.js';
import { formatTable } from './text-table.js';

export function renderPlan(plan: ResizePlan, file: string): string {
  const { view } = plan;
  const total = view.vbuckets.length;
  const parts: string[] = [];

  if (view.isResizing) {
    const percent = total === 0 ? 0 : Math.round((100 * plan.movingVbuckets) / total);
    parts.push(
      `Resize in ${file}: ${view.servers.length} -> ${view.newServers.length} servers, ` +
        `${total} vbuckets, ${view.replicas} replicas each\n` +
        `${plan.movingVbuckets} of ${total} vbuckets move (${percent}%)\n`,
    );
  } else {
    const members = view.servers.length > 0 ? view.servers : view.newServers;
    parts.push(
      `No resize in progress in ${file} (${view.newServers.length === 0 ? 'no new_servers' : 'no current servers'}): ` +
        `${members.length} servers, ${total} vbuckets, ${Math.min(view.replicas, members.length)} replicas each\n` +
        'Nothing moves; the "full" column is what a full resync of a node would fetch.\n',
    );
  }

  const byRole = (role: string) =>
    plan.nodes
      .filter((n) => n.role === role)
      .map((n) => n.name)
      .join(', ') || 'none';
  if (view.isResizing) {
    parts.push(`Joining: ${byRole('joining')}\nLeaving: ${byRole('leaving')}\n`);
  }

  parts.push(
    '\nNodes (vbuckets held as any replica, primary counts, and resync worklist sizes)\n' +
      formatTable(
        ['#', 'node', 'role', 'vbuckets', 'primary', 'worklist', 'full'],
        plan.nodes.map((node, index) => [
          String(index + 1),
          node.name,
          node.role,
          `${node.vbucketsBefore} -> ${node.vbucketsAfter}`,
          `${node.primaryBefore} -> ${node.primaryAfter}`,
          String(node.minimal.size),
          String(node.full.size),
        ]),
        ['right', 'left', 'left', 'right', 'right', 'right', 'right'],
      ),
  );

  if (view.isResizing && plan.nodes.length > 0) {
    // Columns are node numbers from the table above: real names are too wide for a matrix.
    const numbers = plan.nodes.map((_, index) => `#${index + 1}`);
    const rows = plan.nodes.map((from, index) => [
      numbers[index] as string,
      ...plan.nodes.map((to) => {
        const count = plan.primaryMoves.get(from.name)?.get(to.name) ?? 0;
        return count === 0 ? '.' : String(count);
      }),
    ]);
    parts.push(
      '\nPrimary owner of each vbucket, now (rows) -> after (columns)\n' +
        formatTable(['now\\after', ...numbers], rows, [
          'left',
          ...numbers.map(() => 'right' as const),
        ]),
    );
  }
  return parts.join('');
}
