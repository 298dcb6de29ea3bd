import { EventBusSrv, LoadingState, dateTime, type DataFrame, type PanelProps } from '@grafana/data';

/** PanelProps as Grafana passes them to a panel, for the given frames and options. */
export function panelProps<T>(series: DataFrame[], options: T, overrides: Partial<PanelProps<T>> = {}): PanelProps<T> {
  const from = dateTime('2025-11-20T13:00:00Z');
  const to = dateTime('2025-11-20T15:00:00Z');
  const timeRange = { from, to, raw: { from: 'now-2h', to: 'now' } };
  return {
    id: 1,
    data: { series, state: LoadingState.Done, timeRange },
    timeRange,
    timeZone: 'utc',
    options,
    transparent: false,
    width: 640,
    height: 480,
    fieldConfig: { defaults: {}, overrides: [] },
    renderCounter: 1,
    title: 'panel',
    eventBus: new EventBusSrv(),
    onOptionsChange: () => undefined,
    onFieldConfigChange: () => undefined,
    replaceVariables: (s: string) => s,
    onChangeTimeRange: () => undefined,
    ...overrides,
  };
}
