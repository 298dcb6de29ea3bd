import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { ServiceSummary } from '@drillbook/contracts';
import { getDrillbookServiceId } from '../../constants';
import { lastDrillScore, meanGpuUtilization, minBudgetRemaining, serviceSloState, SloState } from '../common/sloState';

/** Why a row has no live figures. */
export type RowLink = 'linked' | 'missing annotation' | 'unknown to controller' | 'not in catalogue' | 'controller unavailable';

export interface ServiceRow {
  /** Stable row id: the entity ref, or `drillbook:<service id>` for services only the controller knows. */
  id: string;
  entity?: Entity;
  service?: ServiceSummary;
  serviceId?: string;
  name: string;
  owner: string;
  link: RowLink;
  sloState: SloState | 'not connected';
  budgetLeft: number | null;
  gpuUtilization: number | null;
  hasGpu: boolean;
  lastScore: number | null;
  lastDrillAt: string | null;
}

function ownerOf(entity: Entity): string {
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  return typeof owner === 'string' ? owner : '';
}

function fromService(service: ServiceSummary | undefined) {
  if (!service) return { sloState: 'not connected' as const, budgetLeft: null, gpuUtilization: null, hasGpu: false, lastScore: null, lastDrillAt: null };
  return {
    sloState: serviceSloState(service.slos),
    budgetLeft: minBudgetRemaining(service.slos),
    gpuUtilization: meanGpuUtilization(service.gpu),
    hasGpu: service.gpu.present,
    lastScore: lastDrillScore(service),
    lastDrillAt: service.lastDrill ? service.lastDrill.endedAt ?? service.lastDrill.startedAt ?? service.lastDrill.createdAt : null,
  };
}

/**
 * Joins catalogue entities with the controller's services. Entities are matched by their
 * `drillbook.dev/service-id` annotation; controller services no entity claims are listed too
 * (flagged "not in catalogue") so nothing the controller measures is hidden. With `services`
 * undefined (controller down) every entity is listed without live figures.
 */
export function buildServiceRows(entities: Entity[], services: ServiceSummary[] | undefined): ServiceRow[] {
  const byId = new Map((services ?? []).map(s => [s.id, s]));
  const claimed = new Set<string>();
  const rows: ServiceRow[] = entities.map(entity => {
    const serviceId = getDrillbookServiceId(entity);
    const service = serviceId ? byId.get(serviceId) : undefined;
    if (service) claimed.add(service.id);
    let link: RowLink = 'linked';
    if (!serviceId) link = 'missing annotation';
    else if (!services) link = 'controller unavailable';
    else if (!service) link = 'unknown to controller';
    return {
      id: stringifyEntityRef(entity),
      entity,
      service,
      serviceId,
      name: entity.metadata.title ?? entity.metadata.name,
      owner: ownerOf(entity) || service?.owner || '',
      link,
      ...fromService(service),
    };
  });
  for (const service of services ?? []) {
    if (claimed.has(service.id)) continue;
    rows.push({ id: `drillbook:${service.id}`, service, serviceId: service.id, name: service.title || service.id, owner: service.owner, link: 'not in catalogue', ...fromService(service) });
  }
  return rows;
}
