/**
 * Validates built-in Kubernetes objects against the Kubernetes OpenAPI schema, with the validators
 * kubernetes-models generates from it (one module per apiVersion/kind).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/** True for the API groups kubernetes-models covers (core and the built-in groups). */
export function isBuiltIn(apiVersion: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return group === '' || group.endsWith('.k8s.io') || !group.includes('.');
}

/** Kinds that live in apimachinery (request bodies such as DeleteOptions), not in an API group. */
const APIMACHINERY_KINDS = new Set(['DeleteOptions', 'Status']);

function modelClass(apiVersion: string, kind: string): ModelClass {
  const mod = APIMACHINERY_KINDS.has(kind) ? `@kubernetes-models/apimachinery/apis/meta/v1/${kind}` : `kubernetes-models/${apiVersion}/${kind}`;
  let loaded: Record<string, unknown>;
  try {
    loaded = require(mod) as Record<string, unknown>;
  } catch {
    throw new Error(`no Kubernetes OpenAPI model for ${apiVersion} ${kind}`);
  }
  const cls = loaded[kind];
  if (typeof cls !== 'function') throw new Error(`no Kubernetes OpenAPI model for ${apiVersion} ${kind}`);
  return cls as ModelClass;
}

/** Throws with the schema's message (for example `data/spec/replicas must be integer`) when invalid. */
export function validateBuiltIn(obj: { apiVersion?: unknown; kind?: unknown; metadata?: { name?: string } }): void {
  const Model = modelClass(String(obj.apiVersion), String(obj.kind));
  try {
    new Model(obj).validate();
  } catch (e) {
    throw new Error(`${String(obj.kind)} ${obj.metadata?.name ?? '(unnamed)'}: ${(e as Error).message}`);
  }
}
