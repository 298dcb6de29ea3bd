/** Follows a growing ndjson file (k6 writes `--out json` as it runs) and hands over complete lines. */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export class NdjsonTail {
  private fd: number | null = null;
  private offset = 0;
  private rest = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    readonly file: string,
    private readonly onLine: (line: string) => void,
  ) {}

  /** Reads whatever was appended since the last call. */
  poll(): void {
    if (this.fd === null) {
      if (!existsSync(this.file)) return;
      this.fd = openSync(this.file, 'r');
    }
    const buf = Buffer.allocUnsafe(256 * 1024);
    for (;;) {
      const n = readSync(this.fd, buf, 0, buf.length, this.offset);
      if (n <= 0) break;
      this.offset += n;
      const text = this.rest + this.decoder.write(buf.subarray(0, n));
      const lines = text.split('\n');
      this.rest = lines.pop() ?? '';
      for (const line of lines) if (line) this.onLine(line);
    }
  }

  close(): void {
    this.poll();
    if (this.rest) this.onLine(this.rest);
    this.rest = '';
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
