/**
 * Target selectors (`any:N`, `zone:<z>`, `replica:<id>`, `all`, `gateway`) resolved against the
 * target's replicas, with the runbook's blast radius enforced before anything is touched.
 */
import type { Guardrails } from '@drillbook/contracts';
import type { ReplicaRef } from './target.js';

export class SelectorError extends Error {}

export type Resolved = { kind: 'gateway' } | { kind: 'replicas'; replicas: ReplicaRef[] };

/** Deterministic pick for `any:N`: rotate by a hash of the drill id, so repeated drills spread over replicas. */
function rotate<T>(xs: T[], seed: string): T[] {
  let h = 0;
  for (let i = 0; i < seed.length; i++) h = (h * 31 + seed.charCodeAt(i)) >>> 0;
  const k = xs.length ? h % xs.length : 0;
  return [...xs.slice(k), ...xs.slice(0, k)];
}

export function resolveSelector(selector: string, replicas: ReplicaRef[], seed: string, exclude: Set<string> = new Set()): Resolved {
  if (selector === 'gateway') return { kind: 'gateway' };
  if (selector === 'all') return { kind: 'replicas', replicas };
  const [kind, arg] = selector.split(':');
  if (kind === 'replica') {
    const r = replicas.find((x) => x.id === arg);
    if (!r) throw new SelectorError(`no replica "${arg}" (replicas: ${replicas.map((x) => x.id).join(', ')})`);
    return { kind: 'replicas', replicas: [r] };
  }
  if (kind === 'zone') {
    const rs = replicas.filter((x) => x.zone === arg);
    if (!rs.length) throw new SelectorError(`no replica in zone "${arg}" (zones: ${[...new Set(replicas.map((x) => x.zone))].join(', ')})`);
    return { kind: 'replicas', replicas: rs };
  }
  if (kind === 'any') {
    const n = Number(arg);
    const pool = rotate(replicas.filter((r) => !exclude.has(r.id)), seed);
    if (pool.length < n) throw new SelectorError(`any:${n} asks for ${n} replicas, only ${pool.length} available`);
    return { kind: 'replicas', replicas: pool.slice(0, n) };
  }
  throw new SelectorError(`unknown selector "${selector}"`);
}

export function checkBlastRadius(resolved: Resolved, guardrails: Guardrails): void {
  if (resolved.kind === 'gateway') return;
  const n = resolved.replicas.length;
  const zones = new Set(resolved.replicas.map((r) => r.zone)).size;
  const maxZones = guardrails.blastRadius.maxZones ?? 1;
  if (n > guardrails.blastRadius.maxReplicas) {
    throw new SelectorError(`blast radius: this step acts on ${n} replicas (${resolved.replicas.map((r) => r.id).join(', ')}), guardrails allow ${guardrails.blastRadius.maxReplicas}`);
  }
  if (zones > maxZones) throw new SelectorError(`blast radius: this step spans ${zones} zones, guardrails allow ${maxZones}`);
}
