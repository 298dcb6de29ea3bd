// HARNESS ONLY: a stand-in for Grafana's PanelDataErrorView (public/app/features/panel/components),
// which shows the panel's message, or "No data" when the query returned nothing.
import React from 'react';
import type { PanelDataErrorViewProps } from '@grafana/runtime';
import { useTheme2 } from '@grafana/ui';

export function HarnessPanelDataErrorView(props: PanelDataErrorViewProps) {
  const theme = useTheme2();
  const empty = props.data.series.length === 0 || props.data.series.every((f) => f.length === 0);
  const message = props.message ?? (empty ? 'No data' : props.needsNumberField ? 'Data is missing a number field' : 'Cannot visualize data');
  return (
    <div
      data-testid="data-testid Panel data error message"
      style={{ display: 'flex', alignItems: 'center', justifyContent: 'center', height: '100%', color: theme.colors.text.secondary, textAlign: 'center', padding: 8 }}
    >
      {message}
    </div>
  );
}
