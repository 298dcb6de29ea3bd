/** Display helpers. Every one of them renders a missing figure as "—", never as zero. */

export const MISSING = '—';

/** 0.9995 -> "99.95%". */
export function formatPercent(ratio: number | null | undefined, digits = 2): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return MISSING;
  return `${Number((ratio * 100).toFixed(digits))}%`;
}

/** An SLO objective like 0.999 -> "99.9%" (as many digits as it needs). */
export function formatObjective(objective: number): string {
  return `${Number((objective * 100).toPrecision(6))}%`;
}

export function formatBurnRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return MISSING;
  return `${rate >= 10 ? rate.toFixed(1) : rate.toFixed(2)}×`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return MISSING;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** 75 -> "1m 15s"; 14.5 -> "14.5s". */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return MISSING;
  if (seconds < 60) return `${Number(seconds.toFixed(1))}s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  if (m < 60) return s ? `${m}m ${s}s` : `${m}m`;
  const h = Math.floor(m / 60);
  return `${h}h ${m % 60}m`;
}

/** NDCG ratio 0.97 -> "-3.0% NDCG@10"; 1 -> "no change". */
export function formatQualityImpact(ndcgRatio: number | null | undefined): string {
  if (ndcgRatio === null || ndcgRatio === undefined || !Number.isFinite(ndcgRatio)) return MISSING;
  const delta = (ndcgRatio - 1) * 100;
  if (Math.abs(delta) < 0.05) return 'no change';
  return `${delta > 0 ? '+' : ''}${delta.toFixed(1)}% NDCG@10`;
}

export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) return MISSING;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
