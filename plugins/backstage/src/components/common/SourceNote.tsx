import React from 'react';
import Typography from '@material-ui/core/Typography';
import type { DataSource } from '@drillbook/contracts';
import { formatTimestamp } from './format';

const KIND_NAMES: Record<DataSource['kind'], string> = {
  prometheus: 'Prometheus',
  scrape: 'replica /metrics scrape',
  none: 'no data source',
};

/** Names where a figure came from and when it was read; views show one under every figure set. */
export function SourceNote({ source }: { source: DataSource }) {
  const parts = [KIND_NAMES[source.kind] ?? source.kind];
  if (source.url) parts.push(source.url);
  if (source.detail) parts.push(source.detail);
  parts.push(`read ${formatTimestamp(source.at)}`);
  return (
    <Typography variant="caption" color="textSecondary" component="p" data-testid="data-source">
      Source: {parts.join(' · ')}
    </Typography>
  );
}
