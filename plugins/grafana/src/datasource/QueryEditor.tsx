import React from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { InlineField, InlineFieldRow, Input, RadioButtonGroup } from '@grafana/ui';
import type { DrillbookDataSource } from './datasource';
import { defaultQuery, type DrillbookDataSourceOptions, type DrillbookQuery, type DrillbookQueryKind } from './types';

type Props = QueryEditorProps<DrillbookDataSource, DrillbookQuery, DrillbookDataSourceOptions>;

const KINDS: Array<{ label: string; value: DrillbookQueryKind; description: string }> = [
  { label: 'Latest scorecard', value: 'latest-scorecard', description: 'The newest scorecard of a service (and runbook)' },
  { label: 'Drill scorecard', value: 'drill-scorecard', description: 'The scorecard of one drill id' },
  { label: 'History', value: 'history', description: 'Finished drills in the time range: score, recovery, budget' },
];

export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  const q = { ...defaultQuery, ...query } as DrillbookQuery;
  const set = (patch: Partial<DrillbookQuery>, run = false) => {
    onChange({ ...q, ...patch });
    if (run) {
      onRunQuery();
    }
  };
  return (
    <>
      <InlineFieldRow>
        <InlineField label="Query" labelWidth={12}>
          <RadioButtonGroup options={KINDS} value={q.kind} onChange={(kind) => set({ kind }, true)} />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        {q.kind === 'drill-scorecard' ? (
          <InlineField label="Drill id" labelWidth={12} tooltip="A drill id, or a variable holding one">
            <Input width={40} value={q.drillId ?? ''} onChange={(e) => set({ drillId: e.currentTarget.value })} onBlur={onRunQuery} placeholder="drl_…" />
          </InlineField>
        ) : (
          <>
            <InlineField label="Service" labelWidth={12} tooltip="Catalogue service id; dashboard variables allowed">
              <Input width={28} value={q.service ?? ''} onChange={(e) => set({ service: e.currentTarget.value })} onBlur={onRunQuery} placeholder="$service" />
            </InlineField>
            <InlineField label="Runbook" labelWidth={12} tooltip="Runbook name; empty for any">
              <Input width={28} value={q.runbook ?? ''} onChange={(e) => set({ runbook: e.currentTarget.value })} onBlur={onRunQuery} placeholder="any" />
            </InlineField>
            {q.kind === 'history' && (
              <InlineField label="Limit" labelWidth={8}>
                <Input
                  type="number"
                  width={10}
                  value={q.limit ?? 50}
                  min={1}
                  max={500}
                  onChange={(e) => set({ limit: Number(e.currentTarget.value) || 50 })}
                  onBlur={onRunQuery}
                />
              </InlineField>
            )}
          </>
        )}
      </InlineFieldRow>
    </>
  );
}
