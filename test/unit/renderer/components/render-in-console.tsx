/**
 * Renders a component the way the app does (inside ConsoleProvider, with a real store) to static
 * markup, and stands in for the service with a client whose answers each test gives.
 */
import type { ReactElement, ReactNode } from 'react';
import type {
  Channel,
  ConsoleEvent,
  ConsoleEventBody,
  JobSummary,
} from '../../../../core/console/contract.js';
import { ConsoleCallError, type ConsoleClient } from '../../../../renderer/api/console-client.js';
import { createConsoleStore, type ConsoleStore } from '../../../../renderer/store/console-store.js';
import { renderStatic } from './render-static.js';

export interface FakeService {
  readonly client: ConsoleClient;
  /** Every call, in order. */
  readonly calls: { channel: Channel; request: unknown }[];
}

/**
 * A client answering each channel from `answers` (a value, or a function of the request); a
 * channel without an answer is refused as the service refuses what is not built yet.
 */
export function fakeService(
  answers: Partial<Record<Channel, unknown | ((request: unknown) => unknown)>> = {},
): FakeService {
  const calls: { channel: Channel; request: unknown }[] = [];
  const client: ConsoleClient = {
    async invoke(channel, request) {
      calls.push({ channel, request });
      if (!(channel in answers)) {
        throw new ConsoleCallError(channel, {
          code: 'NOT_YET',
          message: `${channel} is not built yet`,
          detail: { stage: 'config' },
        });
      }
      const answer = answers[channel];
      return (typeof answer === 'function' ? answer(request) : answer) as never;
    },
    onEvents: () => () => {},
  };
  return { client, calls };
}

export function renderInConsole(
  element: ReactNode,
  store: ConsoleStore,
  client: ConsoleClient = fakeService().client,
): string {
  return renderStatic(store, element as ReactElement, client);
}

let nextSeq = 1;
/** Applies events to the store as the service would send them, numbered on from the last. */
export function applyEvents(store: ConsoleStore, bodies: readonly ConsoleEventBody[]): void {
  const seq = Math.max(nextSeq, store.getState().lastSeq + 1);
  const events = bodies.map((body, i) => ({ ...body, seq: seq + i }) as ConsoleEvent);
  nextSeq = seq + bodies.length;
  store.getState().applyEvents({ events });
}

export const CLUSTER = {
  id: 'c1',
  name: 'Blue',
  origin: 'saved' as const,
  servers: ['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211'],
  newServers: ['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211', '10.0.0.4:11211'],
};

export function storeWithCluster(): ConsoleStore {
  const store = createConsoleStore();
  store.setState({ clusters: [CLUSTER], selectedClusterId: CLUSTER.id, isLoadingClusters: false });
  return store;
}

export function runningJob(change: Partial<JobSummary> = {}): JobSummary {
  return {
    id: 'job-1',
    kind: 'resync',
    clusterId: CLUSTER.id,
    targets: ['10.0.0.4:11211'],
    state: 'running',
    startedAt: '2026-01-01T10:00:00.000Z',
    rateLimit: 0,
    isPaused: false,
    resyncs: [],
    ...change,
  };
}
