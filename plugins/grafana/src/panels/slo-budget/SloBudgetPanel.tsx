import React from 'react';
import type { PanelProps } from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';
import { framesEmpty } from '../../frames/fieldAccess';
import { readSloBudget, sloBudgetQuery } from '../../frames/sloBudget';
import { SloBudgetView } from './SloBudgetView';
import type { SloBudgetOptions } from './types';

/** Reads Sloth-compatible `slo:*` recording rules from a Prometheus query. */
export function SloBudgetPanel(props: PanelProps<SloBudgetOptions>) {
  const { data, id, fieldConfig, options, width, height } = props;
  if (framesEmpty(data.series)) {
    return <PanelDataErrorView panelId={id} data={data} fieldConfig={fieldConfig} needsNumberField />;
  }
  const result = readSloBudget(data.series, { periodWindow: options.periodWindow });
  if (!result.ok) {
    return (
      <PanelDataErrorView
        panelId={id}
        data={data}
        fieldConfig={fieldConfig}
        message={`${result.message}. Query: ${sloBudgetQuery()}`}
      />
    );
  }
  return (
    <div style={{ width, height, overflow: 'auto' }}>
      <SloBudgetView rows={result.value} options={options} width={width} />
    </div>
  );
}
