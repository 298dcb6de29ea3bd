/**
 * What every step and phase of a running drill shares, and the one wrapper every activity goes
 * through: it records status, output, start, end, duration and error in the journal and emits the
 * matching events. The wrapper never throws; callers read the returned record.
 */
import type { ActivityRecord, DrillPhase, LoadPhaseName, Runbook, StepKind } from '@drillbook/contracts';
import type { DrillTarget } from './target.js';
import type { EventBus } from './events.js';
import type { JournalWriter } from './journal.js';
import type { Sample } from './promText.js';

export interface DrillContext {
  drillId: string;
  runbook: Runbook;
  target: DrillTarget;
  journal: JournalWriter;
  events: EventBus;
  /** Aborted by the single abort path (guardrail, signal, API, emergency stop, max duration). */
  signal: AbortSignal;
  /** Load phase running now (null outside the load). */
  loadPhase: () => LoadPhaseName | null;
  /** Metric values scraped when the method started, for `mode: increase`. Key: `<url> <metric> <labels>`. */
  baselines: Map<string, Sample[]>;
  /** Ask a human; resolves true to continue. */
  ack: (prompt: string, timeoutMs: number | null) => Promise<boolean>;
  prometheusUrl?: string;
  log: (line: string) => void;
  abort: (source: 'guardrail' | 'human' | 'api' | 'signal' | 'emergency-stop' | 'max-duration', reason: string) => void;
  /** Rollback steps restore a known-good state and may act beyond the blast radius. */
  inRollback?: boolean;
}

export interface ActivityMeta {
  id: string;
  name: string;
  kind: StepKind | 'phase' | 'load' | 'detection';
  phase: DrillPhase;
}

export type ActivityResult<T> = { status: 'succeeded'; output: T; record: ActivityRecord } | { status: 'failed' | 'aborted'; error: string; record: ActivityRecord };

export async function activity<T>(ctx: Pick<DrillContext, 'journal' | 'events' | 'signal' | 'loadPhase'>, meta: ActivityMeta, fn: () => Promise<T>): Promise<ActivityResult<T>> {
  const start = Date.now();
  const record: ActivityRecord = { ...meta, loadPhase: ctx.loadPhase() ?? undefined, status: 'running', start: new Date(start).toISOString() };
  ctx.journal.update((j) => j.activities.push(record));
  ctx.events.emit('activity', `${meta.name}: started`, { phase: meta.phase, data: { activity: meta.id, status: 'running', kind: meta.kind } });
  const finish = (patch: Partial<ActivityRecord>) => {
    const end = Date.now();
    ctx.journal.update(() => Object.assign(record, { end: new Date(end).toISOString(), durationMs: end - start }, patch));
    ctx.events.emit('activity', `${meta.name}: ${record.status}${record.error ? ` (${record.error})` : ''}`, {
      phase: meta.phase,
      data: { activity: meta.id, status: record.status, kind: meta.kind, durationMs: end - start },
    });
  };
  try {
    if (ctx.signal.aborted) throw new AbortedError(String(ctx.signal.reason ?? 'drill aborted'));
    const output = await fn();
    finish({ status: 'succeeded', output: output as unknown });
    return { status: 'succeeded', output, record };
  } catch (e) {
    const aborted = e instanceof AbortedError || (ctx.signal.aborted && (e as Error).name === 'AbortError');
    const error = (e as Error).message;
    finish({ status: aborted ? 'aborted' : 'failed', error });
    return { status: aborted ? 'aborted' : 'failed', error, record };
  }
}

export class AbortedError extends Error {
  override name = 'AbortedError';
}

/** Sleep that ends early (rejecting with AbortedError) when the drill is aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError('drill aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new AbortedError('drill aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
