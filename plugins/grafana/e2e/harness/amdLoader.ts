/**
 * HARNESS ONLY. A tiny AMD loader standing in for Grafana's SystemJS: it loads a built module.js
 * with a <script> tag, resolves the `define([...])` dependency names to the modules Grafana shares
 * with plugins, and returns what the factory returns (the plugin's exports).
 */
type Factory = (...deps: unknown[]) => unknown;

let pending: { deps: string[]; factory: Factory } | null = null;

export function installDefine() {
  const define = (deps: string[], factory: Factory) => {
    pending = { deps, factory };
  };
  (define as unknown as { amd: object }).amd = {};
  (window as unknown as { define: typeof define }).define = define;
}

export async function loadAmdModule(url: string, shared: Record<string, unknown>): Promise<Record<string, unknown>> {
  await new Promise<void>((resolve, reject) => {
    const s = document.createElement('script');
    s.src = url;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.appendChild(s);
  });
  const mod = pending;
  pending = null;
  if (!mod) {
    throw new Error(`${url} did not call define([...], factory): not an AMD module`);
  }
  const missing = mod.deps.filter((d) => !(d in shared));
  if (missing.length > 0) {
    throw new Error(`${url} needs modules Grafana would share but the harness does not provide: ${missing.join(', ')}`);
  }
  return mod.factory(...mod.deps.map((d) => shared[d])) as Record<string, unknown>;
}
