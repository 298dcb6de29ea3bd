import type { Entity } from '@backstage/catalog-model';

/** Entity annotation naming the Drillbook catalogue service id (`ServiceSummary.id`). */
export const DRILLBOOK_SERVICE_ID_ANNOTATION = 'drillbook.dev/service-id';

/** `spec.type` of catalogue components that are recommender inference services. */
export const RECOMMENDER_SERVICE_TYPE = 'recommender-service';

/** The Drillbook service id of an entity, or undefined when the annotation is absent or blank. */
export function getDrillbookServiceId(entity: Entity): string | undefined {
  const value = entity.metadata.annotations?.[DRILLBOOK_SERVICE_ID_ANNOTATION]?.trim();
  return value ? value : undefined;
}

/** True when the entity carries the Drillbook annotation (use it to show the cards conditionally). */
export function isDrillbookAvailable(entity: Entity): boolean {
  return getDrillbookServiceId(entity) !== undefined;
}

/** True for entities the Drillbook page lists: recommender services, annotated or not. */
export function isRecommenderService(entity: Entity): boolean {
  const type = (entity.spec as { type?: unknown } | undefined)?.type;
  return type === RECOMMENDER_SERVICE_TYPE || isDrillbookAvailable(entity);
}
