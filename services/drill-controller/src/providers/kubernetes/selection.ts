/**
 * Which pods a mode selects, the namespace allow-list and the blast radius: pure checks every
 * provider runs before it calls the API.
 */
import { KubernetesFaultError, type PodMode } from './types.js';

/** `app=x,tier=y` from `{app: 'x', tier: 'y'}` (sorted, so requests are reproducible). */
export function labelSelector(labels: Record<string, string>): string {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  if (!entries.length) throw new KubernetesFaultError('a label selector needs at least one label: refusing to select every pod of the namespace');
  return entries.map(([k, v]) => `${k}=${v}`).join(',');
}

/**
 * Number of pods a mode acts on out of `matching` (Chaos Mesh semantics: fixed-percent rounds down).
 * Throws when it would act on none.
 */
export function podCount(mode: PodMode, matching: number): number {
  const n =
    mode.mode === 'one' ? 1 : mode.mode === 'all' ? matching : mode.mode === 'fixed' ? Math.min(mode.value, matching) : Math.floor((matching * mode.value) / 100);
  if (matching === 0) throw new KubernetesFaultError('the selector matches no pod');
  if (n < 1) throw new KubernetesFaultError(`mode ${describeMode(mode)} selects no pod out of ${matching}`);
  return n;
}

export function describeMode(mode: PodMode): string {
  return mode.mode === 'fixed' ? `fixed ${mode.value}` : mode.mode === 'fixed-percent' ? `fixed-percent ${mode.value}%` : mode.mode;
}

export function checkBlastRadius(pods: number, maxPods: number, what: string): void {
  if (pods > maxPods) throw new KubernetesFaultError(`${what} would act on ${pods} pod(s), more than the blast radius allows (${maxPods})`);
}

export function checkZones(zones: number, maxZones: number, what: string): void {
  if (zones > maxZones) throw new KubernetesFaultError(`${what} would act on ${zones} zone(s), more than the blast radius allows (${maxZones})`);
}

export class NamespaceGuard {
  constructor(private readonly allowed: readonly string[]) {
    if (!allowed.length) throw new KubernetesFaultError('no namespace is allow-listed: set DRILLBOOK_KUBE_NAMESPACES (comma-separated)');
  }

  check(namespace: string): void {
    if (!this.allowed.includes(namespace)) throw new KubernetesFaultError(`namespace "${namespace}" is not allow-listed (allowed: ${this.allowed.join(', ')})`);
  }

  /** From `DRILLBOOK_KUBE_NAMESPACES=a,b`; falls back to `fallback` (the runbook's namespace) when unset. */
  static fromEnv(env: NodeJS.ProcessEnv, fallback?: string): NamespaceGuard {
    const list = (env.DRILLBOOK_KUBE_NAMESPACES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    return new NamespaceGuard(list.length ? list : fallback ? [fallback] : []);
  }
}

/** A random pick of `n` items (Fisher-Yates on a copy); `random` is injectable for tests. */
export function pick<T>(items: readonly T[], n: number, random: () => number = Math.random): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, n);
}
