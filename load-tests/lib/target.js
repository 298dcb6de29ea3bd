// The target of the run and the request settings, from the environment.
import { makeAdapter, protocolFromEnv } from './adapters.js';
import { requestSettings } from './plan.js';

/** Base URL of the gateway under test, e.g. http://127.0.0.1:8080 (no trailing slash). */
export const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');

const settings = requestSettings(__ENV);
/** Items per request. */
export const K = settings.k;
/** k6 request timeout (the drill's deadline). */
export const TIMEOUT = `${settings.timeoutMs}ms`;

/**
 * How to talk to the target: TARGET_PROTOCOL holds the protocol block as JSON (unset = drillbook,
 * POST /v1/recommend). A bad block fails the script at init with the field named.
 */
export const ADAPTER = makeAdapter(protocolFromEnv(__ENV), 'TARGET_PROTOCOL');

/**
 * GET paths that must answer 200 before load: READINESS_PATH when set (`-` = none), else the
 * adapter's own checks.
 * @type {string[]}
 */
export const READINESS_PATHS =
  __ENV.READINESS_PATH === undefined || __ENV.READINESS_PATH === ''
    ? ADAPTER.readiness.map((r) => r.path)
    : __ENV.READINESS_PATH === '-'
      ? []
      : [__ENV.READINESS_PATH];
