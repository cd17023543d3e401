/** The app itself: what the service says about it, the connection, and questions for the operator. */
import type {
  AppInfo,
  ConsoleEvent,
  ErrorPayload,
  OperatorPrompt,
} from '../../core/console/contract.js';
import {
  toErrorPayload,
  type ConnectionChange,
  type ConsoleClient,
} from '../api/console-client.js';
import type { ConsoleState, SliceChange, SliceCreator } from './console-state.js';

/** The screens of a selected cluster, and the console-wide ones. */
export type ConsoleView =
  'overview' | 'plan' | 'wizard' | 'resync' | 'live' | 'activity' | 'edit-cluster';

export type ThemeChoice = 'system' | 'light' | 'dark';

/** What the cluster editor shows: a new cluster, a saved one, or a new one copied from another. */
export type ClusterEditorTarget =
  { readonly mode: 'new' } | { readonly mode: 'edit' | 'copy'; readonly clusterId: string };

export interface UiSlice {
  readonly view: ConsoleView;
  /** The job the live view shows; null: the newest running one of the selected cluster. */
  readonly liveJobId: string | null;
  readonly theme: ThemeChoice;
  readonly clusterEditor: ClusterEditorTarget;
  readonly appInfo: AppInfo | null;
  readonly appInfoError: ErrorPayload | null;
  readonly connection: ConnectionChange;
  /** Open questions (host keys, passphrases), oldest first. */
  readonly prompts: readonly OperatorPrompt[];
  loadAppInfo(client: ConsoleClient): Promise<void>;
  /**
   * Fetches the questions already waiting (asked before this page connected, or while it was
   * away): events bring only new ones.
   */
  loadPrompts(client: ConsoleClient): Promise<void>;
  setConnection(change: ConnectionChange): void;
  setView(view: ConsoleView): void;
  /** Opens the live view on a job. */
  watchJob(jobId: string): void;
  setTheme(theme: ThemeChoice): void;
  /** Opens the cluster editor (view 'edit-cluster') on `target`. */
  openClusterEditor(target: ClusterEditorTarget): void;
}

export const createUiSlice: SliceCreator<UiSlice> = (set) => ({
  appInfo: null,
  appInfoError: null,
  connection: { state: 'connecting', hasMissedEvents: false },
  prompts: [],
  view: 'overview',
  liveJobId: null,
  theme: 'system',
  clusterEditor: { mode: 'new' },

  async loadAppInfo(client) {
    try {
      set({ appInfo: await client.invoke('app:info', null), appInfoError: null });
    } catch (error) {
      set({ appInfoError: toErrorPayload(error) });
    }
  },

  async loadPrompts(client) {
    try {
      const waiting = await client.invoke('prompts:list', null);
      // A question closed while the list was on its way may come back here; answering it then
      // gets the service's refusal, and the dialog offers to close it.
      set((state) => {
        const known = new Set(state.prompts.map((prompt) => prompt.id));
        const missing = waiting.filter((prompt) => !known.has(prompt.id));
        return missing.length === 0 ? state : { prompts: [...missing, ...state.prompts] };
      });
    } catch {
      // The list is a catch-up; the events still bring every new question.
    }
  },

  setConnection(change) {
    set({ connection: change });
  },

  setView(view) {
    set({ view });
  },

  watchJob(jobId) {
    set({ view: 'live', liveJobId: jobId });
  },

  setTheme(theme) {
    set({ theme });
  },

  openClusterEditor(target) {
    set({ view: 'edit-cluster', clusterEditor: target });
  },
});

/** The ui slice's part of a batch of new events (in seq order); undefined when none touch it. */
export function foldUiEvents(
  state: UiSlice,
  events: readonly ConsoleEvent[],
): SliceChange<UiSlice> | undefined {
  let prompts: OperatorPrompt[] | undefined;
  for (const event of events) {
    if (event.type === 'prompt') {
      prompts = (prompts ?? [...state.prompts]).filter((prompt) => prompt.id !== event.prompt.id);
      prompts.push(event.prompt);
    } else if (event.type === 'prompt-closed') {
      prompts = (prompts ?? state.prompts).filter((prompt) => prompt.id !== event.promptId);
    }
  }
  return prompts === undefined ? undefined : { prompts };
}

export const selectConnection = (state: ConsoleState) => state.connection;
export const selectAppInfo = (state: ConsoleState) => state.appInfo;
export const selectPrompts = (state: ConsoleState) => state.prompts;
export const selectView = (state: ConsoleState) => state.view;
export const selectTheme = (state: ConsoleState) => state.theme;
export const selectClusterEditor = (state: ConsoleState) => state.clusterEditor;
