/**
 * The one fault-provider interface every fault of a drill goes through: the reference replicas'
 * admin API, the fault proxy, allow-listed host processes and Kubernetes / Chaos Mesh. The engine's
 * steps inject through it (engine/steps.ts) and the undo of a rollback, an abort, the emergency stop
 * or crash recovery clears through it (engine/undo.ts), so they behave the same for every provider.
 */
import type { ProviderRef } from '@drillbook/contracts';

export interface InjectResult {
  /** Provider-unique id of the fault (what `clear` takes). */
  id: string;
  /** What the provider observed right after injecting (it is active, the pid is gone, ...). */
  evidence: string[];
  /** Set when the fault took effect but what should follow did not (a killed process not ready again): the step fails with it. */
  problem?: string;
}

export interface ClearResult {
  /** Whether something was undone now (false: it had already expired or died with its process). */
  cleared: boolean;
  /** What the provider observed, e.g. how many requests a proxy fault acted on. */
  evidence: string[];
  /** Requests the fault acted on in all, where the provider counts them (the proxy). */
  applied?: number;
}

export interface ActiveProviderFault {
  id: string;
  type: string;
  /** Milliseconds until it expires by itself; null for a fault that cannot expire (a stopped process). */
  remainingMs: number | null;
  /** Requests it acted on so far, where the provider counts them (the proxy). */
  applied?: number;
}

export interface FaultProvider<Fault> {
  readonly kind: ProviderRef['kind'];
  /**
   * Whether a fault of this provider ends by itself (a TTL held by the target). A kill or a SIGSTOP
   * cannot: the dry-run plan marks it and only a clear (resume) or the process's supervisor ends it.
   */
  readonly expires: boolean;
  /** `ttlMs` is null for providers that cannot expire. */
  inject(fault: Fault, ttlMs: number | null): Promise<InjectResult>;
  /** Undo one fault; idempotent (clearing twice, or an expired fault, is not an error). */
  clear(id: string): Promise<ClearResult>;
  listActive(): Promise<ActiveProviderFault[]>;
}

export class ProviderError extends Error {
  override name = 'ProviderError';
}

/** Expand `${NAME}` in a provider config string from the environment; an unset variable is an error naming the field. */
export function expandEnv(value: string, field: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined || v === '') throw new ProviderError(`${field}: environment variable ${name} is not set`);
    return v;
  });
}
