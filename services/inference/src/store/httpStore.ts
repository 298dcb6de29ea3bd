/**
 * Read side of the HTTP model store (a folder served by nginx, see nginx.ts): plain GETs, and
 * `Range: bytes=<start>-` to resume an artefact download after a cut connection.
 */
import { StoreObjectMissing, StoreUnreachable, type OpenedObject, type StoreReader } from './backend.js';

export interface HttpStoreOptions {
  /** Base URL, e.g. http://127.0.0.1:8090/store */
  url: string;
  /** Time to wait for the response headers, ms (the body may take longer). */
  headersTimeoutMs?: number;
  /** Time without any body bytes after which the download counts as cut, ms. */
  idleTimeoutMs?: number;
}

export class HttpStoreReader implements StoreReader {
  readonly location: string;
  private readonly base: string;

  constructor(private readonly opts: HttpStoreOptions) {
    let u: URL;
    try {
      u = new URL(opts.url);
    } catch {
      throw new StoreUnreachable(`model store url "${opts.url}" is not a URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new StoreUnreachable(`model store url "${opts.url}": expected http:// or https://`);
    this.base = opts.url.replace(/\/+$/, '');
    this.location = this.base;
  }

  private async get(key: string, start: number): Promise<Response> {
    const url = `${this.base}/${key}`;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new Error('no response headers in time')), this.opts.headersTimeoutMs ?? 5000);
    let res: Response;
    try {
      res = await fetch(url, { headers: start > 0 ? { range: `bytes=${start}-` } : {}, signal: ac.signal });
    } catch (e) {
      throw new StoreUnreachable(`model store ${url}: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}`, { cause: e });
    } finally {
      clearTimeout(timer);
    }
    if (res.status === 404) {
      await res.body?.cancel().catch(() => {});
      throw new StoreObjectMissing(`model store ${url}: not found (404)`);
    }
    if (res.status === 416) {
      await res.body?.cancel().catch(() => {});
      throw new StoreUnreachable(`model store ${url}: range ${start}- not satisfiable (416): the partial download is longer than the object`);
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel().catch(() => {});
      throw new StoreUnreachable(`model store ${url}: HTTP ${res.status}`);
    }
    return res;
  }

  async read(key: string): Promise<Buffer> {
    const res = await this.get(key, 0);
    try {
      return Buffer.from(await res.arrayBuffer());
    } catch (e) {
      throw new StoreUnreachable(`model store ${this.base}/${key}: connection cut while reading (${(e as Error).message})`, { cause: e });
    }
  }

  async open(key: string, start: number): Promise<OpenedObject> {
    const res = await this.get(key, start);
    const partial = res.status === 206;
    let total: number;
    if (partial) {
      const m = /bytes (\d+)-(\d+)\/(\d+)/.exec(res.headers.get('content-range') ?? '');
      if (!m || Number(m[1]) !== start) {
        await res.body?.cancel().catch(() => {});
        throw new StoreUnreachable(`model store ${this.base}/${key}: unexpected Content-Range "${res.headers.get('content-range')}" for a request from byte ${start}`);
      }
      total = Number(m[3]);
    } else {
      total = Number(res.headers.get('content-length') ?? NaN);
    }
    const idleMs = this.opts.idleTimeoutMs ?? 10_000;
    const body = res.body!;
    const url = `${this.base}/${key}`;
    async function* chunks(): AsyncIterable<Uint8Array> {
      const reader = body.getReader();
      try {
        for (;;) {
          let timer: NodeJS.Timeout | undefined;
          const idle = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new StoreUnreachable(`model store ${url}: no bytes for ${idleMs} ms`)), idleMs);
          });
          let r: Awaited<ReturnType<typeof reader.read>>;
          try {
            r = await Promise.race([reader.read(), idle]);
          } catch (e) {
            if (e instanceof StoreUnreachable) throw e;
            throw new StoreUnreachable(`model store ${url}: connection cut during download (${(e as Error).message})`, { cause: e });
          } finally {
            clearTimeout(timer);
          }
          if (r.done) return;
          yield r.value;
        }
      } finally {
        reader.cancel().catch(() => {});
      }
    }
    return { body: chunks(), total, partial };
  }
}
