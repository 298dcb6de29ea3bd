/**
 * The model store's object interface and its layout. The store is content-addressed: every
 * artefact is an immutable object named by its sha256; a signed manifest per version names the
 * artefacts it needs; an index per model lists the published versions.
 *
 *   blobs/sha256/<hex>                     artefact bytes (model file, serving features)
 *   manifests/<model>/<version>.json       the registry's signed manifest, unchanged
 *   index/<model>.json                     { versions: [{ version, created, manifestSha256 }] }
 *
 * Backends: a folder served by an HTTP server (publish writes into the folder, replicas read over
 * HTTP with range requests), and the S3 API.
 */
import { ModelRegistryError } from '../errors.js';

export const blobKey = (sha: string) => `blobs/sha256/${sha}`;
export const manifestKey = (model: string, version: string) => `manifests/${model}/${version}.json`;
export const indexKey = (model: string) => `index/${model}.json`;

export interface StoreIndex {
  schemaVersion: 1;
  model: string;
  versions: Array<{ version: string; created: string; manifestSha256: string }>;
}

/** An open object read from byte `start`: the rest of its bytes and its total size. */
export interface OpenedObject {
  body: AsyncIterable<Uint8Array>;
  total: number;
  /** The server honoured the range (206): body starts at `start`. False: body starts at 0. */
  partial: boolean;
}

export interface StoreReader {
  /** Where the store is, for messages and logs. */
  readonly location: string;
  /** A whole (small) object. Throws StoreObjectMissing or StoreUnreachable. */
  read(key: string): Promise<Buffer>;
  /** Stream an object from byte `start` (an HTTP range / S3 Range request when start > 0). */
  open(key: string, start: number): Promise<OpenedObject>;
}

export interface StoreWriter {
  readonly location: string;
  exists(key: string): Promise<boolean>;
  /** Write one object completely or not at all (readers never see a partial object). */
  write(key: string, bytes: Uint8Array): Promise<void>;
}

export class ModelStoreError extends ModelRegistryError {}

/** The store cannot be reached (connection refused, reset, timeout, 5xx). */
export class StoreUnreachable extends ModelStoreError {}

/** The store answered, but has no such object. */
export class StoreObjectMissing extends ModelStoreError {}
