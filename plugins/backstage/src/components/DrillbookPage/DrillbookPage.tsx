import React from 'react';
import Typography from '@material-ui/core/Typography';
import { Content, ContentHeader, Header, Page, Progress, SupportButton, Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import { CATALOG_FILTER_EXISTS, EntityFilterQuery } from '@backstage/catalog-client';
import { DRILLBOOK_SERVICE_ID_ANNOTATION, RECOMMENDER_SERVICE_TYPE } from '../../constants';
import { drillbookApiRef } from '../../drillbookApi';
import { useDrillbookSettings } from '../../hooks/useDrillbookSettings';
import { usePolled } from '../../hooks/usePolled';
import { DrillbookErrorPanel } from '../common/DrillbookErrorPanel';
import { formatPercent, formatTimestamp, MISSING } from '../common/format';
import { SLO_STATE_ORDER } from '../common/sloState';
import { SloStateBadge } from '../SloCard/SloCard';
import { buildServiceRows, ServiceRow } from './rows';
import { GameDayCalendar } from '../GameDayCalendar/GameDayCalendar';

const nullsLast = (a: number | null, b: number | null) => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : a - b);

const sloRank = (row: ServiceRow) => (row.sloState === 'not connected' ? SLO_STATE_ORDER.length : SLO_STATE_ORDER.indexOf(row.sloState));

const columns: TableColumn<ServiceRow>[] = [
  {
    title: 'Service',
    field: 'name',
    highlight: true,
    render: row => (
      <>
        {row.entity ? <EntityRefLink entityRef={row.entity} title={row.name} /> : <span>{row.name}</span>}
        <Typography variant="caption" color="textSecondary" component="div">
          {row.serviceId ?? 'no drillbook.dev/service-id annotation'}
          {row.link !== 'linked' && row.link !== 'missing annotation' ? ` · ${row.link}` : ''}
        </Typography>
      </>
    ),
  },
  { title: 'Owner', field: 'owner' },
  {
    title: 'SLO state',
    field: 'sloState',
    customSort: (a, b) => sloRank(a) - sloRank(b),
    render: row => (row.sloState === 'not connected' ? <Typography variant="body2" color="textSecondary">{row.link}</Typography> : <SloStateBadge state={row.sloState} />),
  },
  {
    title: 'Budget left',
    field: 'budgetLeft',
    type: 'numeric',
    customSort: (a, b) => nullsLast(a.budgetLeft, b.budgetLeft),
    render: row => formatPercent(row.budgetLeft, 1),
  },
  {
    title: 'GPU utilisation',
    field: 'gpuUtilization',
    type: 'numeric',
    customSort: (a, b) => nullsLast(a.gpuUtilization, b.gpuUtilization),
    render: row => (!row.service ? MISSING : row.hasGpu ? formatPercent(row.gpuUtilization, 0) : 'no GPU'),
  },
  {
    title: 'Last drill score',
    field: 'lastScore',
    type: 'numeric',
    customSort: (a, b) => nullsLast(a.lastScore, b.lastScore),
    render: row => (
      <>
        {row.lastScore ?? MISSING}
        {row.lastDrillAt && (
          <Typography variant="caption" color="textSecondary" component="div">
            {formatTimestamp(row.lastDrillAt)}
          </Typography>
        )}
      </>
    ),
  },
];

/** Catalogue entities the page lists: recommender-service components and anything annotated. */
export const DRILLBOOK_ENTITY_FILTER: EntityFilterQuery = [{ 'spec.type': RECOMMENDER_SERVICE_TYPE }, { [`metadata.annotations.${DRILLBOOK_SERVICE_ID_ANNOTATION}`]: CATALOG_FILTER_EXISTS }];

export function DrillbookServicesTable() {
  const catalogApi = useApi(catalogApiRef);
  const drillbookApi = useApi(drillbookApiRef);
  const { refreshIntervalMs } = useDrillbookSettings();
  const entities = usePolled(async () => (await catalogApi.getEntities({ filter: DRILLBOOK_ENTITY_FILTER })).items, [catalogApi], 0);
  const services = usePolled(() => drillbookApi.listServices(), [drillbookApi], refreshIntervalMs);

  if (entities.loading || services.loading) return <Progress />;
  if (entities.error && !entities.value) return <DrillbookErrorPanel error={entities.error} prefix="Software catalogue" />;
  const rows = buildServiceRows(entities.value ?? [], services.value);
  return (
    <>
      {services.error && <DrillbookErrorPanel error={services.error} prefix="Live figures unavailable" />}
      <Table<ServiceRow>
        title={`Recommender services (${rows.length})`}
        options={{ paging: rows.length > 20, pageSize: 20, search: true, padding: 'dense' }}
        columns={columns}
        data={rows}
        filters={[
          { column: 'Owner', type: 'multiple-select' },
          { column: 'SLO state', type: 'select' },
        ]}
        emptyContent={
          <Typography style={{ padding: 16 }}>
            No recommender services: give a component <code>spec.type: {RECOMMENDER_SERVICE_TYPE}</code> or the <code>{DRILLBOOK_SERVICE_ID_ANNOTATION}</code> annotation.
          </Typography>
        }
      />
    </>
  );
}

/** The Drillbook page: every recommender service with live SLO state, budget, GPU and last drill. */
export function DrillbookPage() {
  return (
    <Page themeId="tool">
      <Header title="Drillbook" subtitle="Recommender services: live SLOs, accelerators and game-day drills" />
      <Content>
        <ContentHeader title="Service health">
          <SupportButton>Live figures come from the Drillbook drill controller through the Backstage proxy.</SupportButton>
        </ContentHeader>
        <DrillbookServicesTable />
        <div style={{ marginTop: 24 }}>
          <GameDayCalendar />
        </div>
      </Content>
    </Page>
  );
}
