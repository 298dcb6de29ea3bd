/**
 * Fault providers: one interface (types.ts) for the reference replicas' admin API (replica.ts), the
 * fault proxy (proxy/), allow-listed host processes (process/) and Kubernetes / Chaos Mesh
 * (kubernetes/, wrapped by kubernetesProvider.ts). This module builds a drill's providers from its
 * runbook's `target.providers`, checks runbooks against them (located problems) and clears a
 * journaled fault through its provider — the one path of the rollback, an abort, the emergency stop
 * and crash recovery.
 */
import type { InjectedFault, Runbook, Step } from '@drillbook/contracts';
import { ProxyProvider, proxyEndpoint, proxyFaultProblems } from './proxy/index.js';
import { clearProcessFault, ProcessProvider } from './process/index.js';
import { ProviderError, type ClearResult } from './types.js';

export * from './types.js';
export { ProxyProvider, proxyEndpoint, proxyFaultProblems, type ProxyFault, type ProxyEndpoint } from './proxy/index.js';
export { ProcessProvider, clearProcessFault, pidAlive, procState, systemdRunning, type ProcessFault } from './process/index.js';
export { ReplicaProvider, type ReplicaFault } from './replica.js';
export { KubernetesUndoProvider } from './kubernetesProvider.js';

export const PROVIDER_KINDS_OF_STEP: Partial<Record<Step['kind'], 'proxy' | 'process'>> = { 'proxy.fault': 'proxy', 'proxy.clear': 'proxy', 'host.process': 'process' };

interface DrillProviders {
  proxy?: ProxyProvider;
  process?: ProcessProvider;
}
const byDrill = new Map<string, DrillProviders>();

/** The proxy provider of a drill (built once from `target.providers.proxy`). */
export function proxyProviderFor(drillId: string, rb: Runbook): ProxyProvider {
  const p = byDrill.get(drillId) ?? {};
  byDrill.set(drillId, p);
  if (!p.proxy) {
    const cfg = rb.target.providers?.proxy;
    if (!cfg) throw new ProviderError('this step acts on the fault proxy: declare target.providers.proxy (adminUrl, adminTokenEnv) in the runbook');
    p.proxy = new ProxyProvider(proxyEndpoint(cfg));
  }
  return p.proxy;
}

/** The process provider of a drill (built once from `target.providers.process`). */
export function processProviderFor(drillId: string, rb: Runbook): ProcessProvider {
  const p = byDrill.get(drillId) ?? {};
  byDrill.set(drillId, p);
  if (!p.process) {
    const cfg = rb.target.providers?.process;
    if (!cfg) throw new ProviderError('this step acts on host processes: declare target.providers.process.allow in the runbook');
    p.process = new ProcessProvider(cfg);
  }
  return p.process;
}

/** Forget a finished drill's providers. */
export function releaseProviders(drillId: string): void {
  byDrill.delete(drillId);
}

export type JournalClear = ClearResult & { provider: 'proxy' | 'process' };

/**
 * Clear a journaled proxy or process fault from the journal alone (the `provider` it records):
 * null for faults of other providers (the replicas, Kubernetes), which undo.ts clears itself.
 */
export async function clearJournaledFault(f: InjectedFault, env: NodeJS.ProcessEnv = process.env): Promise<JournalClear | null> {
  const ref = f.provider;
  if (ref?.kind === 'proxy') {
    const proxy = new ProxyProvider(proxyEndpoint({ adminUrl: ref.adminUrl, adminTokenEnv: ref.adminTokenEnv }, env));
    return { ...(await proxy.clear(f.id)), provider: 'proxy' };
  }
  if (ref?.kind === 'process') return { ...clearProcessFault(f.id), provider: 'process' };
  return null;
}

type PathPart = string | number;

/** Runbook rules of the providers (beyond the schema), each with the path of the offending field. */
export function providerProblems(rb: Runbook): Array<{ path: PathPart[]; message: string }> {
  const out: Array<{ path: PathPart[]; message: string }> = [];
  const providers = rb.target.providers;
  const allow = providers?.process?.allow ?? [];
  const seen = new Map<string, number>();
  allow.forEach((e, i) => {
    const prev = seen.get(e.name);
    if (prev !== undefined) out.push({ path: ['target', 'providers', 'process', 'allow', i, 'name'], message: `process name "${e.name}" is already used at target.providers.process.allow[${prev}]` });
    else seen.set(e.name, i);
    const selectors = (['pidFile', 'systemdUnit', 'commandMatch'] as const).filter((k) => e[k] !== undefined);
    if (selectors.length !== 1)
      out.push({ path: ['target', 'providers', 'process', 'allow', i], message: `select the process by exactly one of pidFile, systemdUnit or commandMatch${selectors.length ? ` (got ${selectors.join(' and ')})` : ''}` });
    if (e.restartCommand && e.systemdUnit) out.push({ path: ['target', 'providers', 'process', 'allow', i, 'restartCommand'], message: 'a systemd unit is restarted with systemctl: drop restartCommand' });
  });
  const sections: Array<[PathPart[], Step[] | undefined]> = [
    [['steps'], rb.steps],
    [['rollback'], rb.rollback],
    [['steadyState', 'before'], rb.steadyState?.before],
    [['steadyState', 'after'], rb.steadyState?.after],
  ];
  for (const [base, steps] of sections) {
    (steps ?? []).forEach((s, i) => {
      const path = [...base, i];
      if ((s.kind === 'proxy.fault' || s.kind === 'proxy.clear') && !providers?.proxy) out.push({ path, message: `a ${s.kind} step acts on the fault proxy: declare target.providers.proxy (adminUrl, adminTokenEnv)` });
      if (s.kind === 'proxy.fault') {
        for (const k of ['ttlMs', 'note'] as const) if (k in s.fault) out.push({ path: [...path, 'fault', k], message: `${k} is filled in by the drill (the step's ttl, the drill id): remove it` });
        for (const p of proxyFaultProblems(s.fault)) out.push({ path: [...path, 'fault', ...p.path], message: p.message });
      }
      if (s.kind === 'host.process') {
        if (!providers?.process) out.push({ path: [...path, 'process'], message: 'a host.process step needs target.providers.process.allow (the processes a drill may touch)' });
        else if (!allow.some((e) => e.name === s.process)) out.push({ path: [...path, 'process'], message: `process "${s.process}" is not in target.providers.process.allow (allowed: ${allow.map((e) => e.name).join(', ')})` });
      }
    });
  }
  return out;
}
