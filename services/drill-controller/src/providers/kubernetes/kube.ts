/** The API clients the providers use (@kubernetes/client-node), and small helpers around them. */
import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';

export interface KubeApis {
  core: CoreV1Api;
  apps: AppsV1Api;
  custom: CustomObjectsApi;
}

export function kubeApis(kc: KubeConfig): KubeApis {
  return { core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api), custom: kc.makeApiClient(CustomObjectsApi) };
}

/** The in-cluster service account when running in a pod, else $KUBECONFIG / ~/.kube/config. */
export function defaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}

/** A KubeConfig for one API server URL and bearer token (tests, and `--kube-server`). */
export function kubeConfigFor(server: string, token = 'drillbook'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    // client-node refuses plain http unless TLS verification is off; for https it stays on.
    clusters: [{ name: 'target', server, skipTLSVerify: server.startsWith('http://') }],
    users: [{ name: 'drillbook', token }],
    contexts: [{ name: 'target', cluster: 'target', user: 'drillbook' }],
    currentContext: 'target',
  });
  return kc;
}

export function isNotFound(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: number }).code === 404;
}

/** A Go duration string Chaos Mesh and Kubernetes accept, from milliseconds (whole seconds when exact). */
export function goDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`a TTL must be a positive duration, got ${ms} ms`);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${Math.round(ms)}ms`;
}

/** A DNS-1123 object name: lowercase, `-` for anything else, at most 63 characters. */
export function objectName(...parts: string[]): string {
  const s = parts.join('-').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  return s.slice(0, 63).replace(/-$/, '');
}

export async function poll<T>(what: string, timeoutMs: number, intervalMs: number, attempt: () => Promise<T | null>, signal?: AbortSignal): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    if (signal?.aborted) throw new Error(`${what}: aborted`);
    try {
      const r = await attempt();
      if (r !== null) return r;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= end) throw new Error(`${what}: not seen within ${timeoutMs / 1000}s${last ? ` (${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
