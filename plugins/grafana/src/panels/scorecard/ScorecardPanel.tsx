import React from 'react';
import type { PanelProps } from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';
import { readDrillMetrics } from '../../frames/drillMetrics';
import { framesEmpty } from '../../frames/fieldAccess';
import { hasScorecardFrame, readScorecardFrames } from '../../frames/readScorecardFrames';
import type { ScorecardModel, ReadResult } from '../../frames/model';
import { ScorecardView } from './ScorecardView';
import type { ScorecardOptions } from './types';

export function readScorecard(props: Pick<PanelProps<ScorecardOptions>, 'data' | 'options' | 'replaceVariables'>): ReadResult<ScorecardModel> {
  const frames = props.data.series;
  if (hasScorecardFrame(frames)) {
    return readScorecardFrames(frames);
  }
  return readDrillMetrics(frames, {
    service: props.options.service ? props.replaceVariables(props.options.service) : undefined,
    runbook: props.options.runbook ? props.replaceVariables(props.options.runbook) : undefined,
  });
}

/**
 * Reads scorecard frames (Drillbook data source / `scorecardToFrames`) or the controller's
 * Prometheus drill metrics. Empty data, or data that is neither, renders Grafana's PanelDataErrorView.
 */
export function ScorecardPanel(props: PanelProps<ScorecardOptions>) {
  const { data, id, fieldConfig, options, width, height } = props;
  if (framesEmpty(data.series)) {
    return <PanelDataErrorView panelId={id} data={data} fieldConfig={fieldConfig} needsNumberField />;
  }
  const result = readScorecard(props);
  if (!result.ok) {
    return <PanelDataErrorView panelId={id} data={data} fieldConfig={fieldConfig} message={result.message} />;
  }
  return (
    <div style={{ width, height, overflow: 'auto' }}>
      <ScorecardView model={result.value} options={options} />
    </div>
  );
}
