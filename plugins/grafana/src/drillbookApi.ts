/**
 * Host wiring of the shared controller client (`@drillbook/client`) for Grafana: the client talks
 * to the app's plugin-proxy route (which adds the controller token server-side), and pages get it
 * from a React context. Everything else (endpoints, SSE, reconnects, errors) lives in the client.
 */
import { createContext, useContext } from 'react';
import { DrillbookClient, reportPath, type DrillbookApi, type DrillbookClientOptions } from '@drillbook/client';
import type { DrillSummary } from '@drillbook/contracts';
import { PROXY_BASE } from './constants';

/** A client for the plugin-proxy route; tests pass their own `fetch` (a fake proxy). */
export function createDrillbookClient(options: Partial<DrillbookClientOptions> = {}): DrillbookClient {
  return new DrillbookClient({ baseUrl: PROXY_BASE, credentials: 'same-origin', ...options });
}

/** Browser URL of a drill's HTML report through the plugin proxy, or null when it has none yet. */
export function reportHref(drill: Pick<DrillSummary, 'id' | 'reportUrl'>): string | null {
  const path = reportPath(drill);
  return path === null ? null : `${PROXY_BASE}${path}`;
}

export const DrillbookApiContext = createContext<DrillbookApi | null>(null);

export function useDrillbookApi(): DrillbookApi {
  const api = useContext(DrillbookApiContext);
  if (!api) {
    throw new Error('useDrillbookApi: no DrillbookApiContext provider above this component');
  }
  return api;
}
