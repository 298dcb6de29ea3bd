/**
 * Writes k6 `--out json` lines: a `Metric` line the first time a metric is seen, then one `Point`
 * line per sample (`{"metric","type":"Point","data":{"time","value","tags","metadata"}}`, the field
 * order k6 uses). Lines are buffered and written in chunks so the engine stays cheap at 1,000 req/s.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { K6Contains, K6MetricType } from '@drillbook/contracts';
import { isoMicros } from './time.js';

/** A tag set serialised once and reused for every sample that carries it. */
export interface TagSet {
  tags: Record<string, string>;
  json: string;
}

export function tagSet(tags: Record<string, string>): TagSet {
  return { tags, json: JSON.stringify(tags) };
}

export interface MetricInfo {
  name: string;
  type: K6MetricType;
  contains: K6Contains;
  thresholds: string[];
  /** Sub-metrics as k6 lists them on the Metric line. */
  submetrics: Array<{ name: string; suffix: string; tags: Record<string, string> }> | null;
}

const FLUSH_BYTES = 64 * 1024;

export class PointsWriter {
  private readonly out: WriteStream;
  private buf: string[] = [];
  private bufBytes = 0;
  private readonly declared = new Set<string>();
  private error: Error | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly file: string,
    private readonly metrics: ReadonlyMap<string, MetricInfo>,
  ) {
    this.out = createWriteStream(file, { flags: 'w' });
    this.out.on('error', (e) => {
      this.error = e;
    });
    // Flush at least every 250 ms so a reader tailing the file sees points promptly.
    this.timer = setInterval(() => this.flush(), 250);
    this.timer.unref();
  }

  point(metric: string, epochMs: number, value: number, tags: TagSet, requestId?: string): void {
    if (!this.declared.has(metric)) this.declare(metric);
    const meta = requestId === undefined ? '' : `,"metadata":{"req":${JSON.stringify(requestId)}}`;
    this.push(`{"metric":"${metric}","type":"Point","data":{"time":"${isoMicros(epochMs)}","value":${value},"tags":${tags.json}${meta}}}\n`);
  }

  flush(): void {
    if (this.bufBytes === 0 || this.error) return;
    this.out.write(this.buf.join(''));
    this.buf = [];
    this.bufBytes = 0;
  }

  /** Flushes and closes the file; rejects when any write failed. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.flush();
    await new Promise<void>((resolve) => this.out.end(resolve));
    if (this.error) throw this.error;
  }

  private declare(metric: string): void {
    this.declared.add(metric);
    const info = this.metrics.get(metric);
    const data = info
      ? { name: info.name, type: info.type, contains: info.contains, thresholds: info.thresholds, submetrics: info.submetrics }
      : { name: metric, type: 'counter', contains: 'default', thresholds: [], submetrics: null };
    this.push(`${JSON.stringify({ type: 'Metric', data, metric })}\n`);
  }

  private push(line: string): void {
    this.buf.push(line);
    this.bufBytes += line.length;
    if (this.bufBytes >= FLUSH_BYTES) this.flush();
  }
}
