import type { DrillbookApi } from '../api/DrillbookApi';
import { makeDrill, makePlan, makeRunbook, makeService, makeWhoAmI } from './controller';

/**
 * A DrillbookApi that answers from the fixture factories; pass overrides (often `vi.fn`) for what
 * a test is about. `followDrill` resolves as soon as it is called unless overridden.
 */
export function makeFakeDrillbookApi(overrides: Partial<DrillbookApi> = {}): DrillbookApi {
  const api: DrillbookApi = {
    getMe: async () => makeWhoAmI(),
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
    getReportHtml: async () => '<html><body><h1>Drill report</h1></body></html>',
    getEmergencyStop: async () => ({ active: false, reason: null, since: null, by: null }),
  };
  return { ...api, ...overrides };
}

/** A promise that never settles: keeps a component in its loading state. */
export function pending<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}
