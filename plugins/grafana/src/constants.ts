import pluginJson from './plugin.json';

/** The app's id, read from plugin.json so the two never disagree. */
export const PLUGIN_ID: string = pluginJson.id;

/** Where Grafana mounts the app's pages. */
export const PLUGIN_BASE_URL = `/a/${PLUGIN_ID}`;

/**
 * Browser-side base of the controller API: Grafana's plugin proxy matches the `api/*` routes in
 * plugin.json, adds the bearer token from secureJsonData and forwards to `<controllerUrl>/api/v1`.
 */
export const PROXY_BASE = `/api/plugin-proxy/${PLUGIN_ID}/api`;

export const ROUTES = {
  GameDays: 'gamedays',
  History: 'history',
  Drill: 'drills',
  Calendar: 'calendar',
} as const;

export function prefixRoute(route: string): string {
  return `${PLUGIN_BASE_URL}/${route}`;
}

/** jsonData / secureJsonData keys of the app settings (plugin.json routes template these). */
export const SETTINGS_KEYS = {
  controllerUrl: 'controllerUrl',
  controllerToken: 'controllerToken',
} as const;

export interface AppSettings {
  controllerUrl?: string;
}

/** data-testid values shared by the pages, the tests and the browser harness. */
export const TEST_IDS = {
  scorecard: {
    root: 'drillbook-scorecard',
    score: 'drillbook-scorecard-score',
    status: 'drillbook-scorecard-status',
    objective: 'drillbook-scorecard-objective',
    alert: 'drillbook-scorecard-alert',
    missing: 'drillbook-scorecard-missing',
  },
  sloBudget: {
    root: 'drillbook-slo-budget',
    slo: 'drillbook-slo',
    burnGauge: 'drillbook-burn-gauge',
    window: 'drillbook-burn-window',
  },
  gameDays: {
    root: 'drillbook-gamedays',
    service: 'drillbook-gameday-service',
    launch: 'drillbook-launch',
    emergencyStop: 'drillbook-emergency-stop',
  },
  launch: {
    modal: 'drillbook-launch-modal',
    plan: 'drillbook-launch-plan',
    confirmInput: 'drillbook-launch-confirm-input',
    start: 'drillbook-launch-start',
  },
  follow: {
    root: 'drillbook-follow',
    state: 'drillbook-follow-state',
    progress: 'drillbook-follow-progress',
    events: 'drillbook-follow-events',
    abort: 'drillbook-follow-abort',
  },
  history: {
    root: 'drillbook-history',
    row: 'drillbook-history-row',
  },
  config: {
    url: 'drillbook-config-url',
    token: 'drillbook-config-token',
    save: 'drillbook-config-save',
    test: 'drillbook-config-test',
  },
} as const;
