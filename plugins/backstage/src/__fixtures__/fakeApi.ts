import type { DrillbookApi } from '../drillbookApi';
import { makeDrill, makePlan, makeRunbook, makeService, makeWhoAmI } from './controller';

/**
 * A DrillbookApi that answers from the fixture factories; pass overrides (often `vi.fn`) for what
 * a test is about. `followDrill` resolves as soon as it is called unless overridden.
 */
export function makeFakeDrillbookApi(overrides: Partial<DrillbookApi> = {}): DrillbookApi {
  const api: DrillbookApi = {
    me: async () => makeWhoAmI(),
    listServices: async () => [makeService()],
    getService: async id => makeService({ id }),
    listRunbooks: async () => [makeRunbook()],
    listDrills: async () => [makeDrill()],
    getDrill: async id => makeDrill({ id }),
    startDrill: async request => ({ drill: makeDrill({ id: 'drl_02', state: request.dryRun ? 'passed' : 'queued', dryRun: !!request.dryRun }), plan: makePlan() }),
    abortDrill: async id => makeDrill({ id, state: 'aborted' }),
    followDrill: async () => 'ended',
    getScorecard: async () => {
      throw new Error('getScorecard is not faked in this test');
    },
    listScorecards: async () => [],
    reportUrl: async drill => (drill.reportUrl ? `http://backstage.test/api/proxy/drillbook${drill.reportUrl}` : null),
    getReportHtml: async () => '<html><body><h1>Drill report</h1></body></html>',
    getEmergencyStop: async () => ({ active: false, reason: null, since: null, by: null }),
    triggerEmergencyStop: async reason => ({ active: true, reason, since: '2025-11-20T09:00:00Z', by: 'backstage' }),
  };
  return { ...api, ...overrides };
}

/** A promise that never settles: keeps a component in its loading state. */
export function pending<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}
