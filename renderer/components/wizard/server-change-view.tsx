import { describeServerChange } from './server-change.js';

/** The nodes that join, leave and stay, each list with its own glyph as well as its colour. */
export function ServerChangeView(props: {
  readonly oldServers: readonly string[];
  readonly newServers: readonly string[];
}) {
  const { oldServers, newServers } = props;
  const change = describeServerChange(oldServers, newServers);
  const groups = [
    { key: 'joins', glyph: '+', title: 'Joining', nodes: change.joining },
    { key: 'leaves', glyph: '−', title: 'Leaving', nodes: change.leaving },
    { key: 'stays', glyph: '=', title: 'Staying', nodes: change.staying },
  ] as const;
  return (
    <div className="server-change">
      <p className="server-change-count">
        {oldServers.length} {oldServers.length === 1 ? 'node' : 'nodes'} → {newServers.length}{' '}
        {newServers.length === 1 ? 'node' : 'nodes'}
      </p>
      {groups.map((group) => (
        <div key={group.key} className={`server-group node-role-${group.key}`}>
          <h4>
            {group.title} ({group.nodes.length})
          </h4>
          {group.nodes.length === 0 ? (
            <p className="muted">none</p>
          ) : (
            <ul>
              {group.nodes.map((node) => (
                <li key={node} className="mono">
                  <span aria-hidden="true">{group.glyph} </span>
                  {node}
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
    </div>
  );
}
