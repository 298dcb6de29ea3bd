import { useEntity } from '@backstage/plugin-catalog-react';
import { getDrillbookServiceId } from '../../constants';

/** The Drillbook service id of the entity page's entity, or undefined without the annotation. */
export function useEntityServiceId(): string | undefined {
  const { entity } = useEntity();
  return getDrillbookServiceId(entity);
}
