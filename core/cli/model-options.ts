/** The options every command that computes the store view takes: --vbuckets and --replicas. */
import type { StoreViewOptions } from '../cluster/store-view.js';
import { integerOption, type OptionSpec } from './cli-args.js';

export const MODEL_OPTIONS = {
  vbuckets: { type: 'string' },
  replicas: { type: 'string' },
} as const satisfies OptionSpec;

export const MODEL_OPTIONS_HELP = `  --vbuckets N     number of vbuckets, a power of two (default 128)
  --replicas N     replicas per vbucket (default 2)`;

export function modelOptions(
  command: string,
  values: { readonly vbuckets?: string | undefined; readonly replicas?: string | undefined },
): StoreViewOptions {
  const vbuckets = integerOption(command, 'vbuckets', values.vbuckets);
  const replicas = integerOption(command, 'replicas', values.replicas);
  return {
    ...(vbuckets === undefined ? {} : { vbuckets }),
    ...(replicas === undefined ? {} : { replicas }),
  };
}
