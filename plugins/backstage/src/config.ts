import type { Config } from '@backstage/config';

export interface DrillbookSettings {
  /** Proxy endpoint path, always starting with "/" and without a trailing "/". */
  proxyPath: string;
  /** Direct controller URL without a trailing "/", when configured. */
  baseUrl?: string;
  /** Refresh interval of live figures in milliseconds; 0 = off. */
  refreshIntervalMs: number;
  /** Call the Drillbook backend plugin (`/api/drillbook`, on behalf of the signed-in user) instead of the proxy. */
  useBackendPlugin?: boolean;
}

export const DEFAULT_PROXY_PATH = '/drillbook';
export const DEFAULT_REFRESH_INTERVAL_SECONDS = 30;

/** Reads and validates the `drillbook.*` keys. Errors name the offending key. */
export function readDrillbookSettings(config: Config): DrillbookSettings {
  const proxyPath = config.getOptionalString('drillbook.proxyPath') ?? DEFAULT_PROXY_PATH;
  if (!proxyPath.startsWith('/') || /\s/.test(proxyPath)) {
    throw new Error(`drillbook.proxyPath must be a path starting with "/" (like "/drillbook"), got "${proxyPath}"`);
  }
  const rawBaseUrl = config.getOptionalString('drillbook.baseUrl');
  let baseUrl: string | undefined;
  if (rawBaseUrl !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(rawBaseUrl);
    } catch {
      throw new Error(`drillbook.baseUrl must be an absolute http(s) URL, got "${rawBaseUrl}"`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new Error(`drillbook.baseUrl must be an absolute http(s) URL, got "${rawBaseUrl}"`);
    }
    baseUrl = rawBaseUrl.replace(/\/+$/, '');
  }
  const refresh = config.getOptionalNumber('drillbook.refreshIntervalSeconds') ?? DEFAULT_REFRESH_INTERVAL_SECONDS;
  if (!Number.isFinite(refresh) || refresh < 0) {
    throw new Error(`drillbook.refreshIntervalSeconds must be a number >= 0, got ${refresh}`);
  }
  const useBackendPlugin = config.getOptionalBoolean('drillbook.useBackendPlugin') ?? false;
  if (useBackendPlugin && baseUrl !== undefined) {
    throw new Error('drillbook.useBackendPlugin and drillbook.baseUrl cannot both be set: the backend plugin calls the controller, the browser does not');
  }
  return { proxyPath: proxyPath.replace(/\/+$/, '') || DEFAULT_PROXY_PATH, baseUrl, refreshIntervalMs: Math.round(refresh * 1000), ...(useBackendPlugin ? { useBackendPlugin } : {}) };
}
