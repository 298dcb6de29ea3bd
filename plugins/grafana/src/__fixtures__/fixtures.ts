import type {
  DrillEvent,
  DrillSummary,
  EmergencyStopState,
  RunbookSummary,
  ScorecardResponse,
  ServiceSummary,
  StartDrillResponse,
  WhoAmI,
} from '@drillbook/contracts';
import drills from './controller/drills.json';
import dryRunPlan from './controller/dry-run-plan.json';
import emergencyStopOff from './controller/emergency-stop-off.json';
import eventsPassed from './controller/events-passed.json';
import meOperator from './controller/me-operator.json';
import meViewer from './controller/me-viewer.json';
import runbooks from './controller/runbooks.json';
import scorecardFailed from './controller/scorecard-failed.json';
import scorecardPassed from './controller/scorecard-passed.json';
import services from './controller/services.json';

// JSON imports widen string unions to `string`; controllerFixtures.test.ts proves the shapes
// against the contract's schemas, which is what licenses these casts.
const clone = <T>(v: unknown): T => structuredClone(v) as T;

export const fixtures = {
  services: () => clone<{ items: ServiceSummary[] }>(services).items,
  runbooks: () => clone<{ items: RunbookSummary[] }>(runbooks).items,
  drills: () => clone<{ items: DrillSummary[] }>(drills).items,
  dryRunPlan: () => clone<StartDrillResponse>(dryRunPlan),
  eventsPassed: () => clone<DrillEvent[]>(eventsPassed),
  scorecardPassed: () => clone<ScorecardResponse>(scorecardPassed),
  scorecardFailed: () => clone<ScorecardResponse>(scorecardFailed),
  meOperator: () => clone<WhoAmI>(meOperator),
  meViewer: () => clone<WhoAmI>(meViewer),
  emergencyStopOff: () => clone<EmergencyStopState>(emergencyStopOff),
};

/** The raw files, for the schema test. */
export const rawFixtures = {
  'services.json': services,
  'runbooks.json': runbooks,
  'drills.json': drills,
  'dry-run-plan.json': dryRunPlan,
  'events-passed.json': eventsPassed,
  'scorecard-passed.json': scorecardPassed,
  'scorecard-failed.json': scorecardFailed,
  'me-operator.json': meOperator,
  'me-viewer.json': meViewer,
  'emergency-stop-off.json': emergencyStopOff,
};
