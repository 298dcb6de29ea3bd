/** Structured JSON logs (pino) carrying the active trace id. */
import { pino, type Logger } from 'pino';
import { trace } from '@opentelemetry/api';

export type { Logger };

export function createLogger(opts: { level?: string; name: string; base?: Record<string, unknown>; destination?: NodeJS.WritableStream }): Logger {
  return pino(
    {
      name: opts.name,
      level: opts.level ?? 'info',
      base: { ...opts.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin() {
        const ctx = trace.getActiveSpan()?.spanContext();
        return ctx ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};
      },
    },
    (opts.destination ?? process.stdout) as pino.DestinationStream,
  );
}
