/**
 * Drillbook's permissions for Backstage's permission framework. Launch and abort are resource
 * permissions on the catalogue entity of the service (`catalog-entity`), so a policy can allow them
 * only for the services a user's team owns (e.g. with the catalog's `isEntityOwner` rule). Reading,
 * the emergency stop and its release are basic permissions.
 *
 * The same definitions as plugins/backstage-backend/src/permissions.ts (the backend plugin's test
 * checks that the two stay equal): this package has its own install root and cannot import it.
 */
import { createPermission } from '@backstage/plugin-permission-common';

/** The catalog's resource type (`RESOURCE_TYPE_CATALOG_ENTITY` of @backstage/plugin-catalog-common/alpha). */
export const CATALOG_ENTITY = 'catalog-entity';

export const drillbookReadPermission = createPermission({ name: 'drillbook.read', attributes: { action: 'read' } });

export const drillbookLaunchPermission = createPermission({ name: 'drillbook.drill.launch', attributes: { action: 'create' }, resourceType: CATALOG_ENTITY });

export const drillbookAbortPermission = createPermission({ name: 'drillbook.drill.abort', attributes: { action: 'update' }, resourceType: CATALOG_ENTITY });

export const drillbookEmergencyStopPermission = createPermission({ name: 'drillbook.emergency-stop', attributes: { action: 'update' } });

export const drillbookReleasePermission = createPermission({ name: 'drillbook.emergency-stop.release', attributes: { action: 'update' } });

export const drillbookPermissions = [drillbookReadPermission, drillbookLaunchPermission, drillbookAbortPermission, drillbookEmergencyStopPermission, drillbookReleasePermission];
