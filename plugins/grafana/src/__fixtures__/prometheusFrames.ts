import { FieldType, createDataFrame, toDataFrame, type DataFrame } from '@grafana/data';

const T = Date.parse('2025-11-20T14:05:00Z');

/**
 * One Prometheus series in the shape Grafana's Prometheus data source returns for a range query:
 * a frame with a time field and a number field carrying the series labels (`__name__` included).
 */
export function promSeries(name: string, labels: Record<string, string>, values: Array<number | null>, refId = 'A'): DataFrame {
  return createDataFrame({
    refId,
    fields: [
      { name: 'Time', type: FieldType.time, values: values.map((_, i) => T - (values.length - 1 - i) * 60_000) },
      { name: 'Value', type: FieldType.number, values, labels: { __name__: name, ...labels } },
    ],
  });
}

/** An instant query with `format: table`: label columns plus one Value column. */
export function promTable(rows: Array<Record<string, string | number>>, refId = 'A'): DataFrame {
  return toDataFrame({ refId, fields: tableFields(rows) });
}

function tableFields(rows: Array<Record<string, string | number>>) {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return [
    { name: 'Time', type: FieldType.time, values: rows.map(() => T) },
    ...names.map((n) => ({
      name: n,
      type: n === 'Value' ? FieldType.number : FieldType.string,
      values: rows.map((r) => r[n] ?? null),
    })),
  ];
}

export interface SloFixture {
  service: string;
  slo: string;
  objective: number;
  /** Error ratio per window, e.g. { '5m': 0.002, '1h': 0.0018, ... } */
  ratios: Record<string, number>;
  remaining: number;
}

/** The Sloth recording rules of one SLO as Prometheus series frames. */
export function sloFrames(f: SloFixture, options: { omit?: string[] } = {}): DataFrame[] {
  const labels = { sloth_service: f.service, sloth_slo: f.slo, sloth_id: `${f.service}-${f.slo}` };
  const budget = 1 - f.objective;
  const frames = [
    promSeries('slo:objective:ratio', labels, [f.objective]),
    promSeries('slo:error_budget:ratio', labels, [budget]),
    promSeries('slo:current_burn_rate:ratio', labels, [f.ratios['5m'] / budget]),
    promSeries('slo:period_error_budget_remaining:ratio', labels, [f.remaining]),
    ...Object.entries(f.ratios).map(([w, v]) => promSeries(`slo:sli_error:ratio_rate${w}`, { ...labels, sloth_window: w }, [v * 0.9, v])),
  ];
  const omit = new Set(options.omit ?? []);
  return frames.filter((fr) => !omit.has(fr.fields[1].labels?.__name__ ?? ''));
}
