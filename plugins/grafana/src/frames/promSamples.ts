import { FieldType, type DataFrame, type Field } from '@grafana/data';

/** One Prometheus series reduced to its latest value. */
export interface Sample {
  metric: string | null;
  labels: Record<string, string>;
  value: number | null;
  /** Epoch ms of the value, when the frame has a time field. */
  time: number | null;
  refId?: string;
}

/**
 * Reads Prometheus query results in the shapes Grafana's Prometheus data source returns them:
 * - time series (one frame per series, the number field carries `labels`, `__name__` included for
 *   plain selectors), reduced to the last non-null value;
 * - table (instant queries, `format: table`): string label columns plus one `Value` column per row.
 * The metric name comes from `__name__`, else the field's display name from the data source, else
 * the frame name, else the query's refId.
 */
export function readSamples(frames: DataFrame[] | undefined): Sample[] {
  const out: Sample[] = [];
  for (const frame of frames ?? []) {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    const numbers = frame.fields.filter((f) => f.type === FieldType.number);
    const strings = frame.fields.filter((f) => f.type === FieldType.string);
    if (numbers.length === 0) {
      continue;
    }
    if (strings.length > 0 && numbers.length === 1 && !numbers[0].labels) {
      const valueField = numbers[0];
      for (let row = 0; row < frame.length; row++) {
        const labels: Record<string, string> = {};
        for (const s of strings) {
          const v = s.values[row];
          if (v !== null && v !== undefined && v !== '') {
            labels[s.name] = String(v);
          }
        }
        out.push({
          metric: labels.__name__ ?? frame.name ?? frame.refId ?? null,
          labels,
          value: toNumber(valueField.values[row]),
          time: time ? toNumber(time.values[row]) : null,
          refId: frame.refId,
        });
      }
      continue;
    }
    for (const field of numbers) {
      const { value, index } = lastValue(field);
      const labels = { ...(field.labels ?? {}) };
      out.push({
        metric: labels.__name__ ?? metricNameOf(field) ?? frame.name ?? frame.refId ?? null,
        labels,
        value,
        time: time && index >= 0 ? toNumber(time.values[index]) : null,
        refId: frame.refId,
      });
    }
  }
  return out;
}

function metricNameOf(field: Field): string | null {
  const fromDs = field.config?.displayNameFromDS;
  if (fromDs) {
    return fromDs;
  }
  return field.name && field.name !== 'Value' && !field.name.startsWith('Value #') ? field.name : null;
}

function lastValue(field: Field): { value: number | null; index: number } {
  for (let i = field.values.length - 1; i >= 0; i--) {
    const n = toNumber(field.values[i]);
    if (n !== null) {
      return { value: n, index: i };
    }
  }
  return { value: null, index: -1 };
}

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined || v === '') {
    return null;
  }
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}
