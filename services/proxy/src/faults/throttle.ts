/** A Transform that passes bytes on at no more than `bytesPerSecond` (toxiproxy's bandwidth toxic). */
import { Transform, type TransformCallback } from 'node:stream';

export class Throttle extends Transform {
  private sent = 0;
  private readonly started = performance.now();
  private readonly slice: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly bytesPerSecond: number) {
    super();
    // About 20 ms of data per write keeps the pace smooth without a timer per byte.
    this.slice = Math.max(1, Math.floor(bytesPerSecond / 50));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let off = 0;
    const step = () => {
      if (this.destroyed) return done();
      if (off >= chunk.length) return done();
      const piece = chunk.subarray(off, off + this.slice);
      off += piece.length;
      this.sent += piece.length;
      this.push(piece);
      const due = (this.sent / this.bytesPerSecond) * 1000 - (performance.now() - this.started);
      if (due > 1) this.timer = setTimeout(step, due);
      else step();
    };
    step();
  }

  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    if (this.timer) clearTimeout(this.timer);
    cb(err);
  }
}
