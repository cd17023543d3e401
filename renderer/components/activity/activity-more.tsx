/**
 * The foot of the activity table: more of the loaded rows first (a long table is slow to draw),
 * then, once every loaded row is shown, the console's older entries, a page at a time.
 */
export interface ActivityMoreProps {
  /** Rows that match the filter, and how many of them are drawn. */
  readonly matching: number;
  readonly drawn: number;
  readonly pageRows: number;
  onDrawMore(): void;
  readonly hasOlder: boolean;
  readonly isLoadingOlder: boolean;
  onLoadOlder(): void;
}

export function ActivityMore(props: ActivityMoreProps) {
  const { matching, drawn, pageRows } = props;
  if (matching > drawn) {
    return (
      <button type="button" className="activity-more" onClick={props.onDrawMore}>
        Show {Math.min(pageRows, matching - drawn)} older entries ({matching - drawn} not shown)
      </button>
    );
  }
  if (!props.hasOlder) return null;
  return (
    <div className="activity-more">
      <button type="button" onClick={props.onLoadOlder} disabled={props.isLoadingOlder}>
        {props.isLoadingOlder ? 'Loading older entries…' : 'Load older entries'}
      </button>
      <p className="hint">The filter and the search cover the entries loaded so far.</p>
    </div>
  );
}
