/**
 * The protocol adapters, for TypeScript callers (the built-in engine, the drill engine's readiness
 * and warm-up). The code is ONE module, `load-tests/lib/adapters.js`, which the k6 scripts import
 * too, so both load engines build the same requests and judge the same answers the same way.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TargetProtocol } from '@drillbook/contracts';
import { repoRoot } from './repo.js';

export interface AdapterSession {
  userId: string;
  query: string;
  k: number;
}

export interface BuiltRequest {
  method: string;
  /** Path (+ query) relative to the target's base URL. */
  path: string;
  body: string | null;
  headers: Record<string, string>;
}

export interface ParsedAnswer {
  itemIds: string[];
  degraded: boolean;
  modelVersion: string | null;
}

export interface ReadinessCheck {
  path: string;
  what: string;
}

export interface Adapter {
  type: TargetProtocol['type'];
  /** The `name` tag of the request (`recommend` or `infer`). */
  name: string;
  /** GETs that must answer 200 before load (in order); empty = none. */
  readiness: ReadinessCheck[];
  build(session: AdapterSession): BuiltRequest;
  /** Throws an AdapterError (message `field: what was expected`) when the body does not fit. */
  parse(text: string): ParsedAnswer;
}

interface AdaptersModule {
  makeAdapter(protocol: unknown, at?: string): Adapter;
  checkProtocol(protocol: unknown, at?: string): TargetProtocol;
  AdapterError: new (field: string, detail: string) => Error & { field: string; detail: string };
  ProtocolConfigError: new (field: string, detail: string) => Error & { field: string; detail: string };
  parsePointer(pointer: string): string[];
  evaluatePointer(doc: unknown, tokens: string[]): { found: true; value: unknown } | { found: false; at: string };
}

let mod: Promise<AdaptersModule> | null = null;

export function loadAdapters(): Promise<AdaptersModule> {
  mod ??= import(pathToFileURL(join(repoRoot(), 'load-tests', 'lib', 'adapters.js')).href) as Promise<AdaptersModule>;
  return mod;
}

/** The adapter for a protocol block (undefined = drillbook); rejects with a ProtocolConfigError naming the field. */
export async function adapterFor(protocol: TargetProtocol | undefined, at = 'protocol'): Promise<Adapter> {
  return (await loadAdapters()).makeAdapter(protocol, at);
}

/** Whether an error is an adapter's "response does not fit" error. */
export function isAdapterError(e: unknown): e is Error & { field: string; detail: string } {
  return e instanceof Error && e.name === 'AdapterError';
}
