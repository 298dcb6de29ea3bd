import React from 'react';
import { useParams } from 'react-router-dom';
import Grid from '@material-ui/core/Grid';
import { Content, Header, Page, Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef, EntityProvider } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { EntityDrillbookDrillsCard, EntityDrillbookGameDayCalendarCard, EntityDrillbookGpuCard, EntityDrillbookSloCard } from '../src';

/**
 * A stand-in for the catalogue's entity page, wired the way the README tells an app to wire it:
 * the three Drillbook cards on the entity's overview.
 */
export function DevEntityPage() {
  const { namespace = 'default', kind = 'component', name = '' } = useParams();
  const catalogApi = useApi(catalogApiRef);
  const entity = useAsync(() => catalogApi.getEntityByRef({ kind, namespace, name }), [catalogApi, kind, namespace, name]);
  if (entity.loading) return <Progress />;
  if (!entity.value) return <WarningPanel title={`No entity ${kind}:${namespace}/${name} in the dev catalogue`} message={entity.error?.message} />;
  return (
    <EntityProvider entity={entity.value}>
      <Page themeId="service">
        <Header title={entity.value.metadata.title ?? entity.value.metadata.name} subtitle={`${kind}:${namespace}/${name}`} type="Component" />
        <Content>
          <Grid container spacing={3} alignItems="stretch">
            <Grid item xs={12} md={7}>
              <EntityDrillbookSloCard />
            </Grid>
            <Grid item xs={12} md={5}>
              <EntityDrillbookGpuCard />
            </Grid>
            <Grid item xs={12}>
              <EntityDrillbookDrillsCard />
            </Grid>
            <Grid item xs={12}>
              <EntityDrillbookGameDayCalendarCard />
            </Grid>
          </Grid>
        </Content>
      </Page>
    </EntityProvider>
  );
}
