/**
 * Dynamic micro-batching in front of the model (Triton-style): requests queue; a batch runs as
 * soon as `maxBatch` are waiting, or when the oldest has waited `maxDelayMs`, whichever comes first,
 * with at most `maxConcurrent` batches executing. Over `maxQueue` waiting requests, new ones are
 * refused at once (load shedding) instead of queueing into a timeout.
 */

export interface BatchTiming {
  enqueuedAt: number;
  batchStart: number;
  runStart: number;
  runEnd: number;
  batchSize: number;
  batchId: number;
}

export interface BatcherOptions<Req, Res> {
  maxBatch: number;
  maxDelayMs: number;
  maxQueue: number;
  maxConcurrent?: number;
  /** Runs one batch; must return one result per request, in order. */
  run: (batch: Req[], timing: { runStart: () => void }) => Promise<Res[]>;
  onBatch?: (size: number, runMs: number) => void;
}

export class QueueFull extends Error {
  constructor(readonly pending: number) {
    super(`inference queue full (${pending} waiting)`);
  }
}

interface Waiting<Req, Res> {
  req: Req;
  enqueuedAt: number;
  resolve: (v: { result: Res; timing: BatchTiming }) => void;
  reject: (e: unknown) => void;
}

const now = () => performance.timeOrigin + performance.now();

export class MicroBatcher<Req, Res> {
  private queue: Waiting<Req, Res>[] = [];
  private running = 0;
  private timer: NodeJS.Timeout | null = null;
  private nextBatchId = 1;
  private readonly maxConcurrent: number;

  constructor(private readonly opts: BatcherOptions<Req, Res>) {
    if (!(opts.maxBatch >= 1)) throw new RangeError('maxBatch must be >= 1');
    if (!(opts.maxDelayMs >= 0)) throw new RangeError('maxDelayMs must be >= 0');
    if (!(opts.maxQueue >= 1)) throw new RangeError('maxQueue must be >= 1');
    this.maxConcurrent = opts.maxConcurrent ?? 1;
  }

  /** Requests waiting for a batch (what `maxQueue` bounds). */
  get queued(): number {
    return this.queue.length;
  }

  /** Requests waiting for a batch plus those in executing batches. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }
  private inFlight = 0;

  submit(req: Req): Promise<{ result: Res; timing: BatchTiming }> {
    if (this.queue.length >= this.opts.maxQueue) return Promise.reject(new QueueFull(this.queue.length));
    return new Promise((resolve, reject) => {
      this.queue.push({ req, enqueuedAt: now(), resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.maxConcurrent && this.queue.length > 0) {
      const waited = now() - this.queue[0].enqueuedAt;
      if (this.queue.length < this.opts.maxBatch && waited < this.opts.maxDelayMs) {
        if (!this.timer) {
          this.timer = setTimeout(() => {
            this.timer = null;
            this.pump();
          }, Math.max(0, this.opts.maxDelayMs - waited));
        }
        return;
      }
      this.dispatch(this.queue.splice(0, this.opts.maxBatch));
    }
  }

  private dispatch(batch: Waiting<Req, Res>[]): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.running++;
    this.inFlight += batch.length;
    const batchId = this.nextBatchId++;
    const batchStart = now();
    let runStart = batchStart;
    const finish = () => {
      this.running--;
      this.inFlight -= batch.length;
      this.pump();
    };
    this.opts
      .run(
        batch.map((w) => w.req),
        { runStart: () => (runStart = now()) },
      )
      .then(
        (results) => {
          const runEnd = now();
          this.opts.onBatch?.(batch.length, runEnd - runStart);
          finish();
          batch.forEach((w, i) =>
            w.resolve({ result: results[i], timing: { enqueuedAt: w.enqueuedAt, batchStart, runStart, runEnd, batchSize: batch.length, batchId } }),
          );
        },
        (err) => {
          finish();
          batch.forEach((w) => w.reject(err));
        },
      );
  }

  /** Fail everything waiting (shutdown, model unloaded). */
  drain(err: Error): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const w of this.queue.splice(0)) w.reject(err);
  }
}
