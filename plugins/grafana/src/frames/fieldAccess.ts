import { FieldType, type DataFrame, type Field } from '@grafana/data';

export function findField(frame: DataFrame, name: string): Field | undefined {
  return frame.fields.find((f) => f.name === name);
}

/** Row `row` of a field as a number, or null (absent, null, NaN). */
export function numberAt(field: Field | undefined, row = 0): number | null {
  if (!field) {
    return null;
  }
  const v = field.values[row];
  if (v === null || v === undefined || v === '') {
    return null;
  }
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

export function stringAt(field: Field | undefined, row = 0): string | null {
  if (!field) {
    return null;
  }
  const v = field.values[row];
  return v === null || v === undefined ? null : String(v);
}

export function booleanAt(field: Field | undefined, row = 0): boolean | null {
  if (!field) {
    return null;
  }
  const v = field.values[row];
  if (typeof v === 'boolean') {
    return v;
  }
  if (v === 'true' || v === 1) {
    return true;
  }
  if (v === 'false' || v === 0) {
    return false;
  }
  return null;
}

export function timeAt(field: Field | undefined, row = 0): number | null {
  if (!field) {
    return null;
  }
  const v = field.values[row];
  if (typeof v === 'number') {
    return v;
  }
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

export function isTimeField(f: Field): boolean {
  return f.type === FieldType.time;
}

/** True when no frame holds a single row. */
export function framesEmpty(frames: DataFrame[] | undefined): boolean {
  return !frames || frames.length === 0 || frames.every((f) => f.length === 0 || f.fields.length === 0);
}
