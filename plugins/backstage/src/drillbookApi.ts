/**
 * Host wiring of the shared controller client (`@drillbook/client`) for Backstage: the API ref, and
 * a client that reaches the controller through the Backstage proxy (found with `discoveryApi`) or a
 * direct URL, sending every request through `fetchApi` (which adds the Backstage token).
 * Endpoints, SSE, reconnects and error mapping live in the client package, once.
 */
import { createApiRef, type DiscoveryApi, type FetchApi } from '@backstage/core-plugin-api';
import { DrillbookClient, controllerApiBase, type DrillbookApi } from '@drillbook/client';

export type { DrillbookApi, FollowDrillOptions, FollowOutcome, ListDrillsQuery } from '@drillbook/client';

export const drillbookApiRef = createApiRef<DrillbookApi>({ id: 'plugin.drillbook.service' });

export interface BackstageDrillbookClientOptions {
  discoveryApi: Pick<DiscoveryApi, 'getBaseUrl'>;
  fetchApi: FetchApi;
  /** Backstage proxy endpoint path. Default "/drillbook". */
  proxyPath?: string;
  /** Call the Drillbook backend plugin (`discoveryApi.getBaseUrl('drillbook')`) instead of the proxy. */
  useBackendPlugin?: boolean;
  /** Direct controller URL (its root, without /api/v1); when set the proxy is not used. */
  baseUrl?: string;
  /** Wait before reconnecting a dropped event stream, unless the server sent `retry:`. Default 1000 ms. */
  reconnectDelayMs?: number;
}

/** The Drillbook client as Backstage hosts it (used by the plugin's API factory). */
export function createDrillbookClient(options: BackstageDrillbookClientOptions): DrillbookClient {
  const { discoveryApi, fetchApi, baseUrl } = options;
  const proxyPath = options.proxyPath ?? '/drillbook';
  const base = options.useBackendPlugin
    ? async () => controllerApiBase((await discoveryApi.getBaseUrl('drillbook')).replace(/\/+$/, ''))
    : async () => controllerApiBase(`${(await discoveryApi.getBaseUrl('proxy')).replace(/\/+$/, '')}${proxyPath}`);
  return new DrillbookClient({
    baseUrl: baseUrl ? controllerApiBase(baseUrl) : base,
    fetch: (input, init) => fetchApi.fetch(input, init),
    ...(options.reconnectDelayMs !== undefined ? { reconnectDelayMs: options.reconnectDelayMs } : {}),
  });
}
