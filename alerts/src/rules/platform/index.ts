/** The non-SLO alerts of one service, in the order they are written to its rule group. */
import type { ServiceAlertConfig } from '../../config.js';
import { acceleratorSaturated, gpuSaturated } from './accelerators.js';
import { drillAborted } from './drills.js';
import { inputDriftKl, inputDriftPsi } from './drift.js';
import { fallbackRateHigh, modelLoadFailed, modelNotLoaded, modelRestoredFromBackup } from './serving.js';
import { upstreamDown, zoneDown } from './topology.js';
import { modelStoreArtifactRefused, modelStoreUnreachable } from './modelStore.js';
import { canaryRolledBack } from './canary.js';
import type { PlatformAlert } from './types.js';

export function serviceAlerts(cfg: ServiceAlertConfig, runbookBase: string): PlatformAlert[] {
  return [
    fallbackRateHigh(cfg, runbookBase),
    modelNotLoaded(cfg, runbookBase),
    modelLoadFailed(cfg, runbookBase),
    modelRestoredFromBackup(cfg, runbookBase),
    canaryRolledBack(cfg, runbookBase),
    upstreamDown(cfg, runbookBase),
    zoneDown(cfg, runbookBase),
    acceleratorSaturated(cfg, runbookBase),
    gpuSaturated(cfg, runbookBase),
    inputDriftPsi(cfg, runbookBase),
    inputDriftKl(cfg, runbookBase),
    modelStoreArtifactRefused(cfg, runbookBase),
    modelStoreUnreachable(cfg, runbookBase),
  ];
}

export function drillbookAlerts(runbookBase: string, controllerJob: string): PlatformAlert[] {
  return [drillAborted(runbookBase, controllerJob)];
}

export { ABORTED_STATUS } from './drills.js';
export { gpuBusyExpr, withHostLabel } from './accelerators.js';
export type { AlertCase, AlertCheck, ExpectedAlert, InputSeries, PlatformAlert } from './types.js';
