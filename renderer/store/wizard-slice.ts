/**
 * The resize wizard of each cluster the operator has looked at: the service's record of it (or
 * null when no resize is in progress), the settings preview of step 1 or 4, and the actions that
 * move it on. The service keeps the wizard; this slice only mirrors it, so a console opened again
 * resumes where the resize stands.
 */
import type {
  ConsoleEvent,
  ErrorPayload,
  ResizeWizard,
  SettingsPreview,
  WizardRepairRequest,
  WizardStepRequest,
} from '../../core/console/contract.js';
import { toErrorPayload, type ConsoleClient } from '../api/console-client.js';
import type { ConsoleState, SliceChange, SliceCreator } from './console-state.js';

/** What step 1 or 4 would write, as last fetched. */
export interface SettingsPreviewEntry {
  readonly step: 1 | 4;
  readonly preview: SettingsPreview | null;
  readonly isLoading: boolean;
  readonly error: ErrorPayload | null;
}

/** One cluster's wizard as the renderer knows it. */
export interface WizardEntry {
  /** null: no resize in progress, or not known yet (see `hasLoaded`). */
  readonly wizard: ResizeWizard | null;
  /** True once wizard:get answered or an event said how the wizard stands. */
  readonly hasLoaded: boolean;
  readonly isLoading: boolean;
  /** Why the last wizard:get failed. */
  readonly error: ErrorPayload | null;
  /**
   * Bumped by every event about this cluster's wizard. A call's answer that was computed before
   * an event arrived must not roll the wizard back, so answers are kept only when it is unchanged.
   */
  readonly revision: number;
  readonly preview: SettingsPreviewEntry | null;
}

export interface WizardSlice {
  /** By cluster id; only clusters whose wizard was asked for or announced by an event. */
  readonly wizards: Readonly<Record<string, WizardEntry>>;
  loadWizard(client: ConsoleClient, clusterId: string): Promise<void>;
  /** After a reconnect: fetches again every wizard known so far (events were missed). */
  reloadWizards(client: ConsoleClient): Promise<void>;
  /**
   * The calls that move a wizard on. Each keeps the answer (unless an event was fresher) and
   * rejects with the service's `ConsoleCallError`, for the screen to show where it was clicked.
   */
  beginWizard(
    client: ConsoleClient,
    clusterId: string,
    newServers: readonly string[],
  ): Promise<void>;
  runWizardStep(client: ConsoleClient, request: WizardStepRequest): Promise<void>;
  overrideWizardBlockers(client: ConsoleClient, clusterId: string, reason: string): Promise<void>;
  /** Resyncs the vbuckets step 4's blockers list, or verifies again (see `wizard:repair`). */
  repairWizardBlockers(
    client: ConsoleClient,
    clusterId: string,
    action: WizardRepairRequest['action'],
  ): Promise<void>;
  abandonWizard(client: ConsoleClient, clusterId: string): Promise<void>;
  /** Fetches what step 1 or 4 would write; its error is kept in the preview entry. */
  previewWizardSettings(client: ConsoleClient, clusterId: string, step: 1 | 4): Promise<void>;
}

export const NO_WIZARD: WizardEntry = {
  wizard: null,
  hasLoaded: false,
  isLoading: false,
  error: null,
  revision: 0,
  preview: null,
};

export const createWizardSlice: SliceCreator<WizardSlice> = (set, get) => {
  // Per cluster, the latest wizard:get and preview request: an older answer arriving later is dropped.
  let requests = 0;
  const latestLoad = new Map<string, number>();
  const latestPreview = new Map<string, number>();

  const update = (clusterId: string, change: (entry: WizardEntry) => Partial<WizardEntry>) =>
    set((state) => {
      const entry = state.wizards[clusterId] ?? NO_WIZARD;
      return { wizards: { ...state.wizards, [clusterId]: { ...entry, ...change(entry) } } };
    });

  const revisionOf = (clusterId: string) => (get().wizards[clusterId] ?? NO_WIZARD).revision;

  // Keeps a call's answer unless an event about the wizard arrived while the call ran: the event
  // is at least as new, and any later change comes as another event.
  const keepAnswer = (
    clusterId: string,
    revision: number,
    wizard: ResizeWizard | null,
    alongside: Partial<WizardEntry> = {},
  ) =>
    update(clusterId, (entry) =>
      entry.revision === revision
        ? { ...alongside, wizard, hasLoaded: true, error: null, ...previewAfter(entry, wizard) }
        : alongside,
    );

  // A call that changes the wizard: the revision is read before it starts, so an event that comes
  // while it runs wins over its answer.
  const changeWizard = async (clusterId: string, call: () => Promise<ResizeWizard | null>) => {
    const revision = revisionOf(clusterId);
    keepAnswer(clusterId, revision, await call());
  };

  return {
    wizards: {},

    async loadWizard(client, clusterId) {
      const requestId = ++requests;
      latestLoad.set(clusterId, requestId);
      const revision = revisionOf(clusterId);
      update(clusterId, () => ({ isLoading: true }));
      try {
        const wizard = await client.invoke('wizard:get', { clusterId });
        if (latestLoad.get(clusterId) !== requestId) return;
        keepAnswer(clusterId, revision, wizard, { isLoading: false });
      } catch (error) {
        if (latestLoad.get(clusterId) !== requestId) return;
        update(clusterId, () => ({ isLoading: false, error: toErrorPayload(error) }));
      }
    },

    async reloadWizards(client) {
      await Promise.all(
        Object.keys(get().wizards).map((clusterId) => get().loadWizard(client, clusterId)),
      );
    },

    async beginWizard(client, clusterId, newServers) {
      await changeWizard(clusterId, () => client.invoke('wizard:begin', { clusterId, newServers }));
    },

    async runWizardStep(client, request) {
      await changeWizard(request.clusterId, () => client.invoke('wizard:run-step', request));
    },

    async overrideWizardBlockers(client, clusterId, reason) {
      await changeWizard(clusterId, () => client.invoke('wizard:override', { clusterId, reason }));
    },

    async repairWizardBlockers(client, clusterId, action) {
      await changeWizard(clusterId, () => client.invoke('wizard:repair', { clusterId, action }));
    },

    async abandonWizard(client, clusterId) {
      await changeWizard(clusterId, async () => {
        await client.invoke('wizard:abandon', { clusterId });
        return null;
      });
    },

    async previewWizardSettings(client, clusterId, step) {
      const requestId = ++requests;
      latestPreview.set(clusterId, requestId);
      update(clusterId, (entry) => ({
        preview: {
          step,
          // A preview of the other step says nothing about this one.
          preview: entry.preview?.step === step ? entry.preview.preview : null,
          isLoading: true,
          error: null,
        },
      }));
      const settle = (change: Partial<SettingsPreviewEntry>) =>
        update(clusterId, (entry) =>
          latestPreview.get(clusterId) === requestId && entry.preview !== null
            ? { preview: { ...entry.preview, isLoading: false, ...change } }
            : {},
        );
      try {
        const preview = await client.invoke('wizard:preview-settings', { clusterId, step });
        settle({ preview, error: null });
      } catch (error) {
        settle({ preview: null, error: toErrorPayload(error) });
      }
    },
  };
};

// A preview shows the files as they were read: once its step has run (or failed part way), the
// files have changed, so the preview goes and the screen fetches a fresh one before a retry.
function previewAfter(
  entry: WizardEntry,
  wizard: ResizeWizard | null,
): Pick<WizardEntry, 'preview'> | Record<string, never> {
  const preview = entry.preview;
  if (preview === null) return {};
  if (wizard === null) return { preview: null };
  const stateOf = (from: ResizeWizard | null) =>
    from?.steps.find((step) => step.step === preview.step)?.state;
  return stateOf(entry.wizard) === stateOf(wizard) ? {} : { preview: null };
}

/** The wizard slice's part of a batch of new events (in seq order); undefined when none touch it. */
export function foldWizardEvents(
  state: WizardSlice,
  events: readonly ConsoleEvent[],
): SliceChange<WizardSlice> | undefined {
  let wizards: Record<string, WizardEntry> | undefined;
  for (const event of events) {
    let clusterId: string;
    let wizard: ResizeWizard | null;
    if (event.type === 'wizard-changed') {
      clusterId = event.wizard.clusterId;
      wizard = event.wizard;
    } else if (event.type === 'wizard-removed') {
      clusterId = event.clusterId;
      wizard = null;
    } else {
      continue;
    }
    wizards ??= { ...state.wizards };
    const entry = wizards[clusterId] ?? NO_WIZARD;
    wizards[clusterId] = {
      ...entry,
      wizard,
      hasLoaded: true,
      error: null,
      revision: entry.revision + 1,
      ...previewAfter(entry, wizard),
    };
  }
  return wizards === undefined ? undefined : { wizards };
}

export const selectWizardEntry =
  (clusterId: string | undefined) =>
  (state: ConsoleState): WizardEntry =>
    (clusterId === undefined ? undefined : state.wizards[clusterId]) ?? NO_WIZARD;
