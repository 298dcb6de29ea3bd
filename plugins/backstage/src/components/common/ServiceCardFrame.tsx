import React, { ReactNode } from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import { MissingAnnotationEmptyState } from '@backstage/plugin-catalog-react';
import { useApi } from '@backstage/core-plugin-api';
import type { ServiceSummary } from '@drillbook/contracts';
import { drillbookApiRef } from '../../drillbookApi';
import { DRILLBOOK_SERVICE_ID_ANNOTATION } from '../../constants';
import { useDrillbookSettings } from '../../hooks/useDrillbookSettings';
import { usePolled } from '../../hooks/usePolled';
import { DrillbookErrorPanel } from './DrillbookErrorPanel';
import { useEntityServiceId } from './useEntityServiceId';

export interface ServiceCardFrameProps {
  title: string;
  subheader?: string;
  children: (service: ServiceSummary) => ReactNode;
}

/**
 * The states every Drillbook entity card shares: missing annotation, loading, controller error,
 * then the live service summary (re-read every `drillbook.refreshIntervalSeconds`).
 */
export function ServiceCardFrame({ title, subheader, children }: ServiceCardFrameProps) {
  const serviceId = useEntityServiceId();
  return (
    <InfoCard title={title} subheader={subheader}>
      {serviceId ? <LoadedService serviceId={serviceId}>{children}</LoadedService> : <MissingAnnotationEmptyState annotation={DRILLBOOK_SERVICE_ID_ANNOTATION} />}
    </InfoCard>
  );
}

function LoadedService({ serviceId, children }: { serviceId: string; children: (service: ServiceSummary) => ReactNode }) {
  const api = useApi(drillbookApiRef);
  const { refreshIntervalMs } = useDrillbookSettings();
  const { value, error, loading } = usePolled(() => api.getService(serviceId), [api, serviceId], refreshIntervalMs);
  if (loading) return <Progress />;
  if (!value) return <DrillbookErrorPanel error={error} prefix={`Service "${serviceId}"`} />;
  return (
    <>
      {error && <DrillbookErrorPanel error={error} prefix="Showing the last figures read; refresh failed" />}
      {children(value)}
    </>
  );
}
