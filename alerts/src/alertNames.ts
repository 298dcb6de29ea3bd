/**
 * Every alert Drillbook generates, by role. The drill engine reads time to detect from
 * `ALERTS.availabilityPage`; runbooks and the on-call document refer to these names. A test checks
 * that the generated rule files contain exactly these alerts and that `runbooks/on-call.md` has a
 * section for each.
 */
export const ALERTS = {
  /** Availability of /v1/recommend burning budget at 14.4x (1h/5m) or 6x (6h/30m). */
  availabilityPage: 'RecsysAvailabilityBurnRatePage',
  /** Availability burning at 3x (1d/2h) or 1x (3d/6h). */
  availabilityTicket: 'RecsysAvailabilityBurnRateTicket',
  latencyPage: 'RecsysLatencyBurnRatePage',
  latencyTicket: 'RecsysLatencyBurnRateTicket',
  degradedServingPage: 'RecsysDegradedServingBurnRatePage',
  degradedServingTicket: 'RecsysDegradedServingBurnRateTicket',
  fallbackRateHigh: 'RecsysFallbackRateHigh',
  modelNotLoaded: 'RecsysModelNotLoaded',
  modelLoadFailed: 'RecsysModelLoadFailed',
  upstreamDown: 'RecsysUpstreamDown',
  zoneDown: 'RecsysZoneDown',
  acceleratorSaturated: 'RecsysAcceleratorSaturated',
  gpuSaturated: 'RecsysGpuSaturated',
  inputDriftPsi: 'RecsysInputDriftPsi',
  inputDriftKl: 'RecsysInputDriftKl',
  drillAborted: 'DrillbookDrillAborted',
} as const;

export type AlertKey = keyof typeof ALERTS;
export type AlertName = (typeof ALERTS)[AlertKey];

/** The alert whose first firing the drill engine records as time to detect. */
export const TIME_TO_DETECT_ALERT: AlertName = ALERTS.availabilityPage;

/** The game-day drills of `runbooks/`. */
export const DRILLS = [
  'replica-loss',
  'zone-loss',
  'bad-model-deploy',
  'model-load-failure',
  'dependency-outage',
  'overload',
  'accelerator-saturation',
  'data-drift',
  'model-store-loss',
] as const;
export type DrillName = (typeof DRILLS)[number];

/** Which drills are expected to exercise (fire) each alert; documented per alert in the on-call doc. */
export const ALERT_DRILLS: Readonly<Record<AlertName, readonly DrillName[]>> = {
  [ALERTS.availabilityPage]: ['zone-loss', 'dependency-outage', 'overload'],
  [ALERTS.availabilityTicket]: ['zone-loss', 'dependency-outage', 'overload'],
  [ALERTS.latencyPage]: ['overload', 'accelerator-saturation'],
  [ALERTS.latencyTicket]: ['overload', 'accelerator-saturation'],
  [ALERTS.degradedServingPage]: ['dependency-outage', 'model-load-failure', 'model-store-loss'],
  [ALERTS.degradedServingTicket]: ['dependency-outage', 'model-load-failure', 'model-store-loss'],
  [ALERTS.fallbackRateHigh]: ['dependency-outage', 'model-load-failure', 'overload'],
  [ALERTS.modelNotLoaded]: ['model-load-failure', 'model-store-loss'],
  [ALERTS.modelLoadFailed]: ['model-load-failure', 'bad-model-deploy', 'model-store-loss'],
  [ALERTS.upstreamDown]: ['replica-loss', 'zone-loss'],
  [ALERTS.zoneDown]: ['zone-loss'],
  [ALERTS.acceleratorSaturated]: ['accelerator-saturation'],
  [ALERTS.gpuSaturated]: ['accelerator-saturation'],
  [ALERTS.inputDriftPsi]: ['data-drift'],
  [ALERTS.inputDriftKl]: ['data-drift'],
  [ALERTS.drillAborted]: [],
};
