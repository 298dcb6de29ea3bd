/**
 * Every alert Drillbook generates, by role. An SLO has one alert name, as in Sloth, with two rules
 * told apart by the `sloth_severity` label (`page`: 14.4x over 1h/5m or 6x over 6h/30m; `ticket`:
 * 3x over 1d/2h or 1x over 3d/6h). The drill engine reads time to detect from the availability
 * alert at `sloth_severity="page"`; runbooks and the on-call document refer to these names. A test
 * checks that the generated rule files contain exactly these alerts and that `runbooks/on-call.md`
 * has a section for each.
 */
export const ALERTS = {
  /** Availability of /v1/recommend burning its error budget (page and ticket). */
  availability: 'RecsysAvailabilityBurnRate',
  latency: 'RecsysLatencyBurnRate',
  degradedServing: 'RecsysDegradedServingBurnRate',
  fallbackRateHigh: 'RecsysFallbackRateHigh',
  modelNotLoaded: 'RecsysModelNotLoaded',
  modelLoadFailed: 'RecsysModelLoadFailed',
  canaryRolledBack: 'RecsysCanaryRolledBack',
  modelRestoredFromBackup: 'RecsysModelRestoredFromBackup',
  upstreamDown: 'RecsysUpstreamDown',
  zoneDown: 'RecsysZoneDown',
  acceleratorSaturated: 'RecsysAcceleratorSaturated',
  gpuSaturated: 'RecsysGpuSaturated',
  inputDriftPsi: 'RecsysInputDriftPsi',
  inputDriftKl: 'RecsysInputDriftKl',
  drillAborted: 'DrillbookDrillAborted',
  modelStoreArtifactRefused: 'RecsysModelStoreArtifactRefused',
  modelStoreUnreachable: 'RecsysModelStoreUnreachable',
} as const;

export type AlertKey = keyof typeof ALERTS;
export type AlertName = (typeof ALERTS)[AlertKey];

/** The SLO burn-rate alerts (one name each, a page and a ticket rule). */
export const SLO_ALERTS: readonly AlertName[] = [ALERTS.availability, ALERTS.latency, ALERTS.degradedServing];

/** The alert whose first firing (at `sloth_severity` TIME_TO_DETECT_SEVERITY) the drill engine records as time to detect. */
export const TIME_TO_DETECT_ALERT: AlertName = ALERTS.availability;
export const TIME_TO_DETECT_SEVERITY = 'page';

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
  'model-store-down-deploy',
  'model-store-down-scale-out',
  'model-store-corrupt-artifact',
  'model-store-disk-loss',
] as const;
export type DrillName = (typeof DRILLS)[number];

/** Which drills are expected to exercise (fire) each alert; documented per alert in the on-call doc. */
export const ALERT_DRILLS: Readonly<Record<AlertName, readonly DrillName[]>> = {
  [ALERTS.availability]: ['zone-loss', 'dependency-outage', 'overload'],
  [ALERTS.latency]: ['overload', 'accelerator-saturation'],
  [ALERTS.degradedServing]: ['dependency-outage', 'model-load-failure', 'model-store-loss', 'accelerator-saturation'],
  [ALERTS.fallbackRateHigh]: ['dependency-outage', 'model-load-failure', 'overload'],
  [ALERTS.modelNotLoaded]: ['model-load-failure', 'model-store-loss'],
  [ALERTS.modelLoadFailed]: ['model-load-failure', 'bad-model-deploy', 'model-store-loss', 'model-store-down-deploy', 'model-store-corrupt-artifact', 'model-store-disk-loss'],
  [ALERTS.canaryRolledBack]: ['bad-model-deploy'],
  [ALERTS.modelRestoredFromBackup]: ['model-store-loss'],
  [ALERTS.upstreamDown]: ['replica-loss', 'zone-loss'],
  [ALERTS.zoneDown]: ['zone-loss'],
  [ALERTS.acceleratorSaturated]: ['accelerator-saturation'],
  [ALERTS.gpuSaturated]: ['accelerator-saturation'],
  [ALERTS.inputDriftPsi]: ['data-drift'],
  [ALERTS.inputDriftKl]: ['data-drift'],
  [ALERTS.drillAborted]: [],
  [ALERTS.modelStoreArtifactRefused]: ['model-store-corrupt-artifact'],
  [ALERTS.modelStoreUnreachable]: ['model-store-down-deploy', 'model-store-down-scale-out'],
};
