/**
 * Runtime validation of every channel's request, where requests arrive (the IPC bridge and the web
 * server). Each schema is checked against the contract's type (`satisfies`), so the two cannot drift
 * apart. Strict objects: an unknown field is refused rather than ignored.
 */
import { z } from 'zod';
import type { Channel, JobRequest, RequestOf } from './contract.js';

export const ID = z.string().min(1).max(200);
const nodeName = z.string().min(1).max(300);
const nodeList = z.array(nodeName).max(4096);
const rate = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A cluster's definition, as requests carry it and clusters.json stores it. */
export const CLUSTER_DEFINITION = z.strictObject({
  name: z.string().trim().min(1).max(200),
  servers: nodeList,
  newServers: nodeList,
  // A cluster profile is checked by its own parser, which names the offending field.
  profile: z.unknown().optional(),
});

const jobRequest = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('resync'),
    clusterId: ID,
    target: nodeName,
    full: z.boolean(),
    rateLimit: rate.optional(),
  }),
  z.strictObject({
    kind: z.literal('resize'),
    clusterId: ID,
    full: z.boolean(),
    parallel: z.number().int().min(1).max(64).optional(),
    rateLimit: rate.optional(),
  }),
  z.strictObject({ kind: z.literal('verify'), clusterId: ID, repair: z.boolean() }),
]) satisfies z.ZodType<JobRequest>;

export const REQUEST_SCHEMAS = {
  'app:info': z.null(),
  'clusters:list': z.null(),
  'clusters:save': z.strictObject({ id: ID.optional(), definition: CLUSTER_DEFINITION }),
  'clusters:remove': z.strictObject({ id: ID }),
  'cluster:status': z.strictObject({ clusterId: ID }),
  'plan:preview': z.strictObject({ clusterId: ID }),
  'jobs:start': jobRequest,
  'jobs:list': z.null(),
  'jobs:cancel': z.strictObject({ jobId: ID }),
  'jobs:set-rate': z.strictObject({ jobId: ID, bytesPerSecond: rate }),
  'prompts:list': z.null(),
  'prompts:answer': z.strictObject({
    promptId: ID,
    answer: z.union([z.boolean(), z.string().max(4096), z.null()]),
  }),
} satisfies { [C in Channel]: z.ZodType<RequestOf<C>> };

/** The first problem with a request, as "field: reason", for the error message. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid request';
  const where = issue.path.length === 0 ? 'the request' : issue.path.join('.');
  return `${where}: ${issue.message}`;
}
