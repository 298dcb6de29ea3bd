// The target of the run and the request settings, from the environment.
import { requestSettings } from './plan.js';

/** Base URL of the gateway under test, e.g. http://127.0.0.1:8080 (no trailing slash). */
export const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');

const settings = requestSettings(__ENV);
/** Items per request. */
export const K = settings.k;
/** k6 request timeout (the drill's deadline). */
export const TIMEOUT = `${settings.timeoutMs}ms`;
