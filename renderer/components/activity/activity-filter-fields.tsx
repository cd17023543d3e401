/** The activity log's filters: which cluster, failures only, and a search box. */
import { useId } from 'react';

export function ActivityFilterFields(props: {
  /** The selected cluster's name; undefined when none is selected. */
  readonly selectedName: string | undefined;
  readonly isAllClusters: boolean;
  readonly onAllClusters: (isAll: boolean) => void;
  readonly isFailuresOnly: boolean;
  readonly onFailuresOnly: (isOnly: boolean) => void;
  readonly text: string;
  readonly onText: (text: string) => void;
}) {
  const id = useId();
  return (
    <>
      <fieldset className="activity-filter">
        <legend>Show</legend>
        <label>
          <input
            type="radio"
            name={`${id}-cluster`}
            checked={!props.isAllClusters}
            disabled={props.selectedName === undefined}
            onChange={() => props.onAllClusters(false)}
          />{' '}
          {props.selectedName ?? 'The selected cluster'}
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-cluster`}
            checked={props.isAllClusters}
            onChange={() => props.onAllClusters(true)}
          />{' '}
          All clusters
        </label>
        <label>
          <input
            type="checkbox"
            checked={props.isFailuresOnly}
            onChange={(event) => props.onFailuresOnly(event.target.checked)}
          />{' '}
          Failures and refusals only
        </label>
      </fieldset>
      {/* Searched on the page: the entries it has loaded (the newest 1,000, and all since). */}
      <label className="activity-search">
        Search{' '}
        <input
          type="search"
          value={props.text}
          placeholder="action, node, cluster, detail…"
          title="Words to find in the entries loaded on this page (the newest 1,000, and every one since)"
          onChange={(event) => props.onText(event.target.value)}
        />
      </label>
    </>
  );
}
