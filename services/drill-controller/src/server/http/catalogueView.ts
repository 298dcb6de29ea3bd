/** ServiceSummary for one caller: configuration + live figures + drills + what this token may do. */
import type { ServiceSummary } from '@drillbook/contracts';
import type { Catalogue } from '../../catalogue/Catalogue.js';
import type { ServiceConfig } from '../config/types.js';
import type { DrillManager } from '../drills/DrillManager.js';
import { allowed, type Principal } from '../auth/tokens.js';

export function serviceSummary(svc: ServiceConfig, catalogue: Catalogue, drills: DrillManager, who: Principal): ServiceSummary {
  const live = catalogue.live(svc.id)!;
  return {
    id: svc.id,
    title: svc.title,
    owner: svc.owner,
    ...(svc.description ? { description: svc.description } : {}),
    ...(svc.entityRef ? { entityRef: svc.entityRef } : {}),
    tags: svc.tags,
    gatewayUrl: live.gatewayUrl ?? svc.gateway?.url ?? null,
    replicas: live.replicas,
    modelVersion: live.modelVersion,
    slos: live.slos,
    gpu: live.gpu,
    lastDrill: drills.lastDrill(svc.id),
    scoreTrend: drills.history.scoreTrend(svc.id),
    permissions: { launch: allowed(who, 'launch', svc.id), abort: allowed(who, 'abort', svc.id) },
  };
}
