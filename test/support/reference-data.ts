/**
 * Typed access to the Clearwater reference vectors copied into test/fixtures/ref (see its README).
 */
import { readFileSync } from 'node:fs';
import { fixturePath } from './repo-paths.js';

export interface VbucketVector {
  readonly key_b64: string;
  readonly key?: string;
  readonly hash: number;
  readonly vbucket: number;
}

export interface ViewVbucketVector {
  readonly vbucket: number;
  readonly current_replicas: string[];
  readonly new_replicas: string[] | null;
  readonly read_set: string[];
  readonly write_set: string[];
  readonly moving: boolean;
  readonly move?: [string[], string[]];
}

export interface ViewVector {
  readonly label: string;
  readonly servers: string[];
  readonly new_servers: string[];
  readonly view_servers: string[];
  readonly vbuckets: ViewVbucketVector[];
}

export interface WorklistVector {
  readonly label: string;
  readonly servers: string[];
  readonly new_servers: string[];
  readonly self: string;
  readonly role: string;
  readonly full: boolean;
  readonly owl: Record<string, string[]>;
}

export interface SettingsVector {
  readonly name: string;
  readonly content: string;
  readonly note: string;
  readonly expected: 'error' | { servers: string[]; new_servers: string[] };
}

function load<T>(name: string): T {
  return JSON.parse(readFileSync(fixturePath('ref', name), 'utf8')) as T;
}

export const vbucketVectors = () => load<VbucketVector[]>('vbucket-vectors.json');
export const viewVectors = () => load<ViewVector[]>('view-vectors.json');
export const worklistVectors = () => load<WorklistVector[]>('worklist-vectors.json');
export const settingsVectors = () => load<SettingsVector[]>('settings-vectors.json');
