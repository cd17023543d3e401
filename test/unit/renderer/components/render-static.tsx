/**
 * Renders a component to markup the way the page would show it for a given store state (every
 * component test renders through `renderStatic`), and the cluster and plan the screens' tests share.
 */
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ClusterSummary, PlanJson, PlanPreview } from '../../../../core/console/contract.js';
import type { ConsoleClient } from '../../../../renderer/api/console-client.js';
import { ConsoleProvider } from '../../../../renderer/components/console-context.js';
import { fakeClient } from '../fake-client.js';
import type { ConsoleStore } from '../../../../renderer/store/console-store.js';

/** The markup of `element` inside a ConsoleProvider on `store` as it is now. */
export function renderStatic(
  store: ConsoleStore,
  element: ReactElement,
  client: ConsoleClient = fakeClient(),
): string {
  // Server rendering reads a zustand store through getInitialState (its server snapshot), so the
  // state a test has set is handed over as the initial one.
  const now: ConsoleStore = { ...store, getInitialState: () => store.getState() };
  return renderToStaticMarkup(
    <ConsoleProvider store={now} client={client}>
      {element}
    </ConsoleProvider>,
  );
}

/** Every match of `pattern` (global) in `markup`. */
export function countMatches(markup: string, pattern: RegExp): number {
  return [...markup.matchAll(pattern)].length;
}

export const SERVERS = ['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211'] as const;
export const NEW_SERVERS = [...SERVERS, '10.0.0.4:11211'] as const;

export function cluster(overrides: Partial<ClusterSummary> = {}): ClusterSummary {
  return {
    id: 'c1',
    name: 'sprout',
    servers: [...SERVERS],
    newServers: [...NEW_SERVERS],
    origin: 'saved',
    ...overrides,
  };
}

/**
 * A plan of 128 vbuckets over SERVERS growing to NEW_SERVERS: vbucket i is held by servers i and
 * i+1 (mod 3); every fourth vbucket moves its backup to the new node.
 */
export function plan(): PlanJson {
  const vbuckets = Array.from({ length: 128 }, (_, id) => {
    const current = [SERVERS[id % 3] as string, SERVERS[(id + 1) % 3] as string];
    const isMoving = id % 4 === 0;
    const after = isMoving ? [current[0] as string, NEW_SERVERS[3]] : current;
    const readSet = [...new Set([current[0] as string, ...after, ...current.slice(1)])];
    return { id, current, new: after, read: readSet, write: readSet, moving: isMoving };
  });
  const minimal: Record<string, readonly string[]> = {};
  const full: Record<string, readonly string[]> = {};
  for (const vbucket of vbuckets) {
    if (vbucket.moving) minimal[String(vbucket.id)] = vbucket.current;
  }
  return {
    servers: [...SERVERS],
    newServers: [...NEW_SERVERS],
    vbuckets,
    worklists: {
      [NEW_SERVERS[3]]: { minimal, full: { ...minimal, ...full } },
    },
  };
}

export function preview(): PlanPreview {
  return {
    plan: plan(),
    risk: {
      ifNodeFails: SERVERS.map((node, index) => ({
        node,
        singleCopy: index === 0 ? [0, 1, 2] : [],
        noCopy: index === 0 ? [5] : [],
      })),
      fullyRehomed: [8, 12],
    },
  };
}
