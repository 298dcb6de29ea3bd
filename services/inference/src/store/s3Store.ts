/**
 * S3 backend of the model store through the AWS SDK (`@aws-sdk/client-s3`): the same object layout
 * as the HTTP store under an optional key prefix; GetObject with `Range` resumes an artefact.
 * There is no real S3 here: the tests run it against an S3-API stand-in (see s3Store.test.ts).
 */
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { StoreObjectMissing, StoreUnreachable, type OpenedObject, type StoreReader, type StoreWriter } from './backend.js';

export interface S3StoreOptions {
  bucket: string;
  prefix?: string;
  /** Passed to S3Client (region, endpoint, credentials, forcePathStyle). */
  client?: S3ClientConfig;
}

/** Parse `s3://bucket/prefix` into bucket and prefix. */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m) throw new StoreUnreachable(`model store url "${url}": expected s3://<bucket>[/<prefix>]`);
  return { bucket: m[1], prefix: (m[2] ?? '').replace(/\/+$/, '') };
}

const isMissing = (e: unknown) => e instanceof NoSuchKey || (e instanceof S3ServiceException && (e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404));

export class S3Store implements StoreReader, StoreWriter {
  readonly location: string;
  private readonly s3: S3Client;

  constructor(private readonly opts: S3StoreOptions) {
    this.s3 = new S3Client({ region: 'us-east-1', ...opts.client });
    this.location = `s3://${opts.bucket}${opts.prefix ? `/${opts.prefix}` : ''}`;
  }

  private key(k: string): string {
    return this.opts.prefix ? `${this.opts.prefix}/${k}` : k;
  }

  private wrap(e: unknown, key: string): Error {
    if (isMissing(e)) return new StoreObjectMissing(`model store ${this.location}: no ${key}`, { cause: e });
    return new StoreUnreachable(`model store ${this.location}/${key}: ${(e as Error).message}`, { cause: e });
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.opts.bucket, Key: this.key(key) }));
      return true;
    } catch (e) {
      if (isMissing(e)) return false;
      throw this.wrap(e, key);
    }
  }

  async write(key: string, bytes: Uint8Array): Promise<void> {
    try {
      // A PutObject is atomic: readers see the old object or the whole new one.
      await this.s3.send(new PutObjectCommand({ Bucket: this.opts.bucket, Key: this.key(key), Body: bytes, ContentLength: bytes.length }));
    } catch (e) {
      throw this.wrap(e, key);
    }
  }

  async read(key: string): Promise<Buffer> {
    const o = await this.open(key, 0);
    const parts: Buffer[] = [];
    try {
      for await (const c of o.body) parts.push(Buffer.from(c));
    } catch (e) {
      throw this.wrap(e, key);
    }
    return Buffer.concat(parts);
  }

  async open(key: string, start: number): Promise<OpenedObject> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: this.key(key), ...(start > 0 ? { Range: `bytes=${start}-` } : {}) }));
      const m = /bytes (\d+)-(\d+)\/(\d+)/.exec(out.ContentRange ?? '');
      const partial = start > 0 && !!m;
      const total = m ? Number(m[3]) : Number(out.ContentLength ?? NaN);
      const body = out.Body as Readable;
      const where = `${this.location}/${key}`;
      // A connection cut mid-body surfaces as an 'aborted' stream error: the client resumes on StoreUnreachable.
      async function* chunks(): AsyncIterable<Uint8Array> {
        try {
          for await (const c of body) yield c as Uint8Array;
        } catch (e) {
          throw new StoreUnreachable(`model store ${where}: connection cut during download (${(e as Error).message})`, { cause: e });
        }
      }
      return { body: chunks(), total, partial };
    } catch (e) {
      throw this.wrap(e, key);
    }
  }
}
