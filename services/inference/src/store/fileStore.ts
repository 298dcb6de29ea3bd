/**
 * Write side of the HTTP model store: the publish step writes objects into the folder the HTTP
 * server (nginx) serves. Each object is written to a temporary file in the same folder and renamed,
 * so the server never serves a partial object. Also readable directly (tests, backup restore).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createReadStream, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StoreObjectMissing, type OpenedObject, type StoreReader, type StoreWriter } from './backend.js';

export class FolderStore implements StoreWriter, StoreReader {
  readonly location: string;

  constructor(readonly root: string) {
    this.location = root;
  }

  path(key: string): string {
    if (key.split('/').some((p) => p === '..' || p === '')) throw new Error(`invalid store key "${key}"`);
    return join(this.root, key);
  }

  async exists(key: string): Promise<boolean> {
    return existsSync(this.path(key));
  }

  async write(key: string, bytes: Uint8Array): Promise<void> {
    const file = this.path(key);
    mkdirSync(dirname(file), { recursive: true });
    const tmp = join(dirname(file), `.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    try {
      writeFileSync(tmp, bytes);
      renameSync(tmp, file);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
  }

  async read(key: string): Promise<Buffer> {
    const file = this.path(key);
    if (!existsSync(file)) throw new StoreObjectMissing(`model store ${this.root}: no ${key}`);
    return readFileSync(file);
  }

  async open(key: string, start: number): Promise<OpenedObject> {
    const file = this.path(key);
    if (!existsSync(file)) throw new StoreObjectMissing(`model store ${this.root}: no ${key}`);
    const total = statSync(file).size;
    return { body: createReadStream(file, { start }), total, partial: true };
  }
}
