/**
 * Runtime validation of every channel's request, where requests arrive (the IPC bridge and the web
 * server). Each schema is checked against the contract's type (`satisfies`), so the two cannot drift
 * apart. Strict objects: an unknown field is refused rather than ignored.
 */
import { z } from 'zod';
import { clusterNameProblem } from '../shared/cluster-name.js';
import {
  ACTIVITY_PAGE_LIMIT,
  type Channel,
  type JobRequest,
  type RequestOf,
  type WizardStepRequest,
} from './contract.js';

export const ID = z.string().min(1).max(200);
const nodeName = z.string().min(1).max(300);
const nodeList = z.array(nodeName).max(4096);
const rate = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
// Clearwater has 128 vbuckets; a cluster may be configured with more, never with 2^16 or more.
const vbucket = z.number().int().min(0).max(65535);

// The page checks a name by the same shared rule before it saves.
const clusterName = z
  .string()
  .superRefine((name, context) => {
    const problem = clusterNameProblem(name);
    if (problem !== null) context.addIssue({ code: 'custom', message: problem });
  })
  .transform((name) => name.trim());

/**
 * The deepest a profile goes is 4 (the profile, nodes, a node, its jump list); 8 leaves room. The
 * limit is checked before anything walks the whole value: the profile parser is handed it as JSON
 * text, and JSON.stringify of a value nested 100,000 deep overflows the stack.
 */
export const MAX_PROFILE_DEPTH = 8;

/** A cluster's definition, as requests carry it and clusters.json stores it. */
export const CLUSTER_DEFINITION = z.strictObject({
  name: clusterName,
  servers: nodeList,
  newServers: nodeList,
  // A cluster profile is checked by its own parser, which names the offending field; here only
  // its shape as a value: plain JSON, no deeper than a profile goes.
  profile: z
    .unknown()
    .superRefine((value, context) => {
      const problem = jsonShapeProblem(value, MAX_PROFILE_DEPTH);
      if (problem !== null) context.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
});

const jobRequest = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('resync'),
    clusterId: ID,
    target: nodeName,
    full: z.boolean(),
    rateLimit: rate.optional(),
    vbuckets: z.array(vbucket).min(1).max(65536).optional(),
    source: nodeName.optional(),
    retryOf: ID.optional(),
  }),
  z.strictObject({
    kind: z.literal('resize'),
    clusterId: ID,
    full: z.boolean(),
    parallel: z.number().int().min(1).max(64).optional(),
    rateLimit: rate.optional(),
    resume: z.boolean().optional(),
  }),
  z.strictObject({ kind: z.literal('verify'), clusterId: ID, repair: z.boolean() }),
]) satisfies z.ZodType<JobRequest>;

const wizardStep = z.strictObject({
  clusterId: ID,
  step: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]),
  byHand: z.boolean().optional(),
  full: z.boolean().optional(),
  rateLimit: rate.optional(),
}) satisfies z.ZodType<WizardStepRequest>;

export const REQUEST_SCHEMAS = {
  'app:info': z.null(),
  'clusters:list': z.null(),
  'clusters:save': z.strictObject({ id: ID.optional(), definition: CLUSTER_DEFINITION }),
  'clusters:remove': z.strictObject({ id: ID }),
  'cluster:status': z.strictObject({ clusterId: ID, isOperatorTest: z.boolean().optional() }),
  'clusters:import-settings': z.strictObject({
    // cluster_settings files are a few lines; a megabyte is far past any real one.
    text: z.string().max(1024 * 1024),
    fileName: z.string().min(1).max(1000),
  }),
  'ssh:hosts': z.null(),
  'plan:preview': z.strictObject({ clusterId: ID }),
  'plan:estimate': z.strictObject({ clusterId: ID, full: z.boolean() }),
  'jobs:start': jobRequest,
  'jobs:list': z.null(),
  'jobs:replay': z.null(),
  'jobs:cancel': z.strictObject({ jobId: ID }),
  'jobs:set-rate': z.strictObject({ jobId: ID, bytesPerSecond: rate }),
  'jobs:pause': z.strictObject({ jobId: ID }),
  'jobs:resume': z.strictObject({ jobId: ID }),
  'wizard:get': z.strictObject({ clusterId: ID }),
  'wizard:begin': z.strictObject({ clusterId: ID, newServers: nodeList.min(1) }),
  'wizard:preview-settings': z.strictObject({
    clusterId: ID,
    step: z.union([z.literal(1), z.literal(4)]),
  }),
  'wizard:run-step': wizardStep,
  'wizard:override': z.strictObject({
    clusterId: ID,
    // An override is read later by whoever reviews the resize: it must say why.
    reason: z.string().trim().min(10).max(2000),
  }),
  'wizard:repair': z.strictObject({ clusterId: ID, action: z.enum(['resync', 'verify']) }),
  'wizard:abandon': z.strictObject({ clusterId: ID }),
  'activity:list': z.union([
    z.null(),
    z.strictObject({
      limit: z.number().int().min(1).max(ACTIVITY_PAGE_LIMIT).optional(),
      before: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    }),
  ]),
  'prompts:list': z.null(),
  'prompts:answer': z.strictObject({
    promptId: ID,
    answer: z.union([z.boolean(), z.string().max(4096), z.null()]),
  }),
} satisfies { [C in Channel]: z.ZodType<RequestOf<C>> };

/**
 * Why `value` is not a tree of at most `maxDepth` nested objects and arrays; null when it is. A
 * value that holds the same object twice is refused too (JSON cannot say that; a structured clone
 * over IPC can, and shared branches would make the walk exponential).
 */
function jsonShapeProblem(value: unknown, maxDepth: number): string | null {
  const seen = new Set<object>();
  const walk = (node: unknown, depth: number): string | null => {
    if (typeof node !== 'object' || node === null) return null;
    if (depth > maxDepth) return `nested deeper than ${maxDepth} levels; a profile needs 4`;
    if (seen.has(node)) return 'holds the same object twice; send plain JSON';
    seen.add(node);
    for (const child of Object.values(node)) {
      const problem = walk(child, depth + 1);
      if (problem !== null) return problem;
    }
    return null;
  };
  return walk(value, 1);
}

/** The first problem with a request, as "field: reason", for the error message. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid request';
  const where = issue.path.length === 0 ? 'the request' : issue.path.join('.');
  return `${where}: ${issue.message}`;
}
