import React, { ReactNode } from 'react';
import { useApiHolder } from '@backstage/core-plugin-api';
import { permissionApiRef, usePermission } from '@backstage/plugin-permission-react';
import type { BasicPermission, ResourcePermission } from '@backstage/plugin-permission-common';

export interface PermissionState {
  loading: boolean;
  allowed: boolean;
}

type Props = {
  permission: BasicPermission | ResourcePermission<'catalog-entity'>;
  /** The catalogue entity, for launch and abort (resource permissions). */
  resourceRef?: string;
  children: (state: PermissionState) => ReactNode;
};

function WithPermission({ permission, resourceRef, children }: Props) {
  const state = usePermission(resourceRef ? { permission: permission as ResourcePermission<'catalog-entity'>, resourceRef } : { permission: permission as BasicPermission });
  return <>{children({ loading: state.loading, allowed: state.allowed })}</>;
}

/**
 * Asks Backstage's permission framework (`usePermission`) whether the user may do something. An
 * app without a permission API (the old proxy set-up in older apps, tests) is treated as "allowed":
 * the controller still decides with the proxy token's rights.
 */
export function DrillbookPermission(props: Props) {
  const available = useApiHolder().get(permissionApiRef) !== undefined;
  return available ? <WithPermission {...props} /> : <>{props.children({ loading: false, allowed: true })}</>;
}
