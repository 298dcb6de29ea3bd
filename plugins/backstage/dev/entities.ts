import type { Entity } from '@backstage/catalog-model';
import { parseAllDocuments } from 'yaml';
import exampleCatalog from '../examples/catalog-info.yaml?raw';

/** The dev app's catalogue: exactly the example catalog-info.yaml the README tells teams to register. */
export const devEntities: Entity[] = parseAllDocuments(exampleCatalog).map(doc => doc.toJS() as Entity);
