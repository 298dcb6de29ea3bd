/** One `--out json` line, reduced to what the drill engine reads. */
import { parseRfc3339 } from '../time.js';

export interface PointSample {
  metric: string;
  /** Epoch ms (with a fraction) of the sample; for http_req_* that is when the request ended (k6's Trail.EndTime). */
  time: number;
  value: number;
  tags: Record<string, string>;
  /** `metadata.req`, joining the samples of one request, when the writer set it. */
  req: string | undefined;
}

const POINT_PREFIX = /^\{"metric":"([^"]+)","type":"Point"/;

/**
 * Parses a Point line, or returns null for Metric lines, blank lines and metrics not in `wanted`.
 * Lines in k6's own field order are filtered by name before JSON parsing (k6 writes ~16 lines per
 * request). Throws a SyntaxError for a line that is not JSON.
 */
export function parsePointLine(line: string, wanted?: ReadonlySet<string>): PointSample | null {
  const m = POINT_PREFIX.exec(line);
  if (m && wanted && !wanted.has(m[1])) return null;
  if (!m && !line.includes('"Point"')) {
    if (line.trim() !== '') JSON.parse(line); // a Metric line, or not JSON at all
    return null;
  }
  const d = JSON.parse(line) as {
    type?: string;
    metric?: string;
    data?: { time?: string; value?: number; tags?: Record<string, string> | null; metadata?: Record<string, string> };
  };
  if (d.type !== 'Point' || typeof d.metric !== 'string' || !d.data) return null;
  if (wanted && !wanted.has(d.metric)) return null;
  const time = parseRfc3339(d.data.time ?? '');
  if (!Number.isFinite(time) || typeof d.data.value !== 'number') return null;
  return { metric: d.metric, time, value: d.data.value, tags: d.data.tags ?? {}, req: d.data.metadata?.req };
}

/** Whether an http_req_* sample succeeded: k6's `expected_response` tag, else a 2xx status. */
export function sampleOk(tags: Record<string, string>): boolean {
  if (tags.expected_response !== undefined) return tags.expected_response === 'true';
  const s = Number(tags.status);
  return s >= 200 && s < 300;
}
