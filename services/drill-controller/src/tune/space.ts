/**
 * The space file of `drillbook tune` (YAML or JSON): which knobs to search and with which values, the
 * fixed settings every candidate shares, the rate search's load plan, the objectives, the drills.
 *
 *   apiVersion: drillbook.dev/v1
 *   kind: TuneSpace
 *   target: reference                      # the config adapter (default reference)
 *   base: { replica: { batchMs: 20 } }     # fixed settings (the adapter's config shape)
 *   knobs:
 *     maxBatch: { values: [4, 8, 16] }
 *     maxQueueDelayMs: { range: { min: 0, max: 10, step: 5 } }
 *     gatewayRetries: { values: [true, false] }
 *     modelVariant: { values: [fp32, int8] } # an enum knob: names only, no range
 *   default: { maxBatch: 8 }               # the current default (else the adapter's defaults)
 *   search: { strategy: auto, finalists: 2, maxDrilled: 5, gridLimit: 8 }
 *   rates: { startRps: 50, maxRps: 1600, stepS: 4, warmupS: 2, refineSteps: 2 }
 *   objectives: { p99Ms: 250, availability: 0.999, ndcgRatio: 0.95 }
 *   drills: [replica-loss, overload]
 *
 * Every problem names the file and the field; nothing starts until the whole file is valid.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { stackSpecProblems } from '@drillbook/contracts';
import type { ConfigAdapter } from './adapter.js';
import { CONFIG_ADAPTERS } from './adapter.js';
import type { Assignment, KnobValue, SpaceKnob, Strategy } from './search.js';

export interface RatePlan {
  startRps: number;
  maxRps: number;
  /** Seconds of load at each rate. */
  stepS: number;
  /** Seconds of warm-up (at startRps, not scored) on each fresh instance. */
  warmupS: number;
  /** Bisection steps between the last rate that held and the first that did not. */
  refineSteps: number;
}

export interface TuneObjectives {
  p99Ms: number;
  availability: number;
  /** Served NDCG@10 at a rate / the default candidate's NDCG@10 at the warm-up rate. */
  ndcgRatio: number;
}

export interface TuneSpace {
  file: string;
  adapter: ConfigAdapter<any>;
  base: unknown;
  knobs: SpaceKnob[];
  default: Assignment;
  strategy: Strategy | 'auto';
  gridLimit: number;
  finalists: number;
  /** When none of the finalists passed every drill, the next-ranked candidates are drilled one by one until one does, up to this many drilled in all. */
  maxDrilled: number;
  rates: RatePlan;
  objectives: TuneObjectives;
  drills: string[];
}

export class InvalidTuneSpace extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid tune space:\n  ${problems.join('\n  ')}`);
    this.name = 'InvalidTuneSpace';
  }
}

export const DEFAULT_RATES: RatePlan = { startRps: 50, maxRps: 1600, stepS: 4, warmupS: 2, refineSteps: 2 };
export const DEFAULT_OBJECTIVES: TuneObjectives = { p99Ms: 250, availability: 0.999, ndcgRatio: 0.95 };
export const DEFAULT_DRILLS = ['replica-loss', 'overload'];
const MAX_CANDIDATES = 10_000;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function loadTuneSpace(file: string): TuneSpace {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`could not read tune space ${file}: ${(e as Error).message}`, { cause: e });
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new InvalidTuneSpace(file, [`not YAML/JSON: ${(e as Error).message.split('\n')[0]}`]);
  }
  return parseTuneSpace(raw, file);
}

export function parseTuneSpace(raw: unknown, file: string): TuneSpace {
  const p: string[] = [];
  if (!isObj(raw)) throw new InvalidTuneSpace(file, ['expected a mapping with apiVersion, kind, knobs']);
  const known = ['apiVersion', 'kind', 'target', 'base', 'knobs', 'default', 'search', 'rates', 'objectives', 'drills'];
  for (const k of Object.keys(raw)) if (!known.includes(k)) p.push(`${k}: unknown key (expected one of ${known.join(', ')})`);
  if (raw.apiVersion !== 'drillbook.dev/v1') p.push(`apiVersion: expected "drillbook.dev/v1", got ${JSON.stringify(raw.apiVersion)}`);
  if (raw.kind !== 'TuneSpace') p.push(`kind: expected "TuneSpace", got ${JSON.stringify(raw.kind)}`);
  const targetName = raw.target ?? 'reference';
  const adapter = typeof targetName === 'string' ? CONFIG_ADAPTERS[targetName] : undefined;
  if (!adapter) throw new InvalidTuneSpace(file, [...p, `target: no config adapter "${String(targetName)}" (known: ${Object.keys(CONFIG_ADAPTERS).join(', ')})`]);
  if (raw.base !== undefined && adapter.name === 'reference') p.push(...stackSpecProblems(raw.base, 'base'));

  const knobs: SpaceKnob[] = [];
  if (!isObj(raw.knobs) || !Object.keys(raw.knobs).length) p.push('knobs: expected a mapping of knob -> { values: [...] } or { range: { min, max, step } }, with at least one knob');
  else
    for (const [name, spec] of Object.entries(raw.knobs)) {
      const path = `knobs.${name}`;
      const def = adapter.knobs.find((k) => k.name === name);
      if (!def) {
        const not = adapter.notKnobs.find((k) => k.name === name);
        p.push(not ? `${path}: not a knob of the ${adapter.name} target yet: ${not.why}` : `${path}: unknown knob (the ${adapter.name} target has ${adapter.knobs.map((k) => k.name).join(', ')})`);
        continue;
      }
      if (!isObj(spec) || (spec.values === undefined) === (spec.range === undefined)) {
        p.push(`${path}: expected exactly one of values: [...] or range: { min, max, step }`);
        continue;
      }
      let values: KnobValue[] = [];
      if (spec.values !== undefined) {
        if (!Array.isArray(spec.values) || !spec.values.length) {
          p.push(`${path}.values: expected a non-empty list`);
          continue;
        }
        values = spec.values as KnobValue[];
      } else {
        const r = spec.range;
        if (def.type !== 'integer' || !isObj(r) || typeof r.min !== 'number' || typeof r.max !== 'number' || r.max < r.min || (r.step !== undefined && (typeof r.step !== 'number' || r.step <= 0))) {
          p.push(`${path}.range: expected { min, max, step? } with min <= max and step > 0${def.type !== 'integer' ? ` (and ${name} is ${def.type}: use values)` : ''}`);
          continue;
        }
        const step = (r.step as number | undefined) ?? 1;
        if ((r.max - r.min) / step + 1 > 1000) {
          p.push(`${path}.range: more than 1000 values`);
          continue;
        }
        for (let v = r.min; v <= r.max + 1e-9; v += step) values.push(Math.round(v));
      }
      values.forEach((v, i) => {
        const vp = `${path}.values[${i}]`;
        if (def.type === 'boolean' && typeof v !== 'boolean') p.push(`${vp}: expected true or false, got ${JSON.stringify(v)}`);
        if (def.type === 'enum' && (typeof v !== 'string' || !def.options?.includes(v))) p.push(`${vp}: expected one of ${def.options?.join(', ')}, got ${JSON.stringify(v)}`);
        if (def.type === 'integer') {
          if (typeof v !== 'number' || !Number.isInteger(v)) p.push(`${vp}: expected an integer, got ${JSON.stringify(v)}`);
          else if ((def.min !== undefined && v < def.min) || (def.max !== undefined && v > def.max)) p.push(`${vp}: must be ${def.min}..${def.max}, got ${v}`);
        }
      });
      if (new Set(values).size !== values.length) p.push(`${path}.values: a value is listed twice`);
      knobs.push({ name, values });
    }
  const size = knobs.reduce((n, k) => n * k.values.length, 1);
  if (size > MAX_CANDIDATES) p.push(`knobs: ${size} candidates, more than ${MAX_CANDIDATES}`);

  const defaults = adapter.defaults();
  const def: Assignment = {};
  const rawDefault = raw.default === undefined ? {} : raw.default;
  if (!isObj(rawDefault)) p.push('default: expected a mapping knob -> value');
  else {
    for (const k of Object.keys(rawDefault)) if (!knobs.some((x) => x.name === k)) p.push(`default.${k}: not a knob of this space`);
    for (const k of knobs) {
      const v = (rawDefault[k.name] ?? defaults[k.name]) as KnobValue;
      if (!k.values.includes(v)) p.push(`default.${k.name}: the default ${JSON.stringify(v)} must be one of the searched values (${k.values.join(', ')}) so the gain is measured side by side`);
      def[k.name] = v;
    }
  }

  const s = raw.search === undefined ? {} : raw.search;
  let strategy: Strategy | 'auto' = 'auto';
  let finalists = 2;
  let maxDrilled = 5;
  let gridLimit = 8;
  if (!isObj(s)) p.push('search: expected a mapping');
  else {
    for (const k of Object.keys(s)) if (!['strategy', 'finalists', 'maxDrilled', 'gridLimit'].includes(k)) p.push(`search.${k}: unknown key (expected strategy, finalists, maxDrilled, gridLimit)`);
    if (s.strategy !== undefined) {
      if (!['auto', 'grid', 'hill-climb'].includes(s.strategy as string)) p.push(`search.strategy: expected auto, grid or hill-climb, got ${JSON.stringify(s.strategy)}`);
      else strategy = s.strategy as Strategy | 'auto';
    }
    finalists = posInt(s.finalists, 2, 'search.finalists', 0, 20, p);
    maxDrilled = posInt(s.maxDrilled, Math.max(finalists, 5), 'search.maxDrilled', 0, 50, p);
    if (maxDrilled < finalists) p.push(`search.maxDrilled: expected at least search.finalists (${finalists}), got ${maxDrilled}`);
    gridLimit = posInt(s.gridLimit, 8, 'search.gridLimit', 1, MAX_CANDIDATES, p);
  }

  const rates = numbers(raw.rates, DEFAULT_RATES, 'rates', p, { startRps: [1, 5000], maxRps: [1, 5000], stepS: [1, 600], warmupS: [0, 600], refineSteps: [0, 10] });
  if (rates.maxRps < rates.startRps) p.push('rates.maxRps: must be >= rates.startRps');
  const objectives = numbers(raw.objectives, DEFAULT_OBJECTIVES, 'objectives', p, { p99Ms: [1, 600_000], availability: [0, 1], ndcgRatio: [0, 1] });

  let drills = DEFAULT_DRILLS;
  if (raw.drills !== undefined) {
    if (!Array.isArray(raw.drills) || raw.drills.some((d) => typeof d !== 'string' || !/^[a-z0-9-]+$/.test(d))) p.push('drills: expected a list of runbook names in runbooks/ (e.g. [replica-loss, overload])');
    else drills = raw.drills as string[];
  }
  if (p.length) throw new InvalidTuneSpace(file, p);
  return { file, adapter, base: raw.base, knobs, default: def, strategy, gridLimit, finalists, maxDrilled, rates, objectives, drills };
}

function posInt(v: unknown, d: number, path: string, min: number, max: number, p: string[]): number {
  if (v === undefined) return d;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    p.push(`${path}: expected an integer ${min}..${max}, got ${JSON.stringify(v)}`);
    return d;
  }
  return v;
}

function numbers<T extends object>(v: unknown, d: T, path: string, p: string[], bounds: Record<keyof T & string, [number, number]>): T {
  if (v === undefined) return { ...d };
  if (!isObj(v)) {
    p.push(`${path}: expected a mapping`);
    return { ...d };
  }
  const out: Record<string, number> = { ...(d as Record<string, number>) };
  for (const [k, x] of Object.entries(v)) {
    const b = (bounds as Record<string, [number, number]>)[k];
    if (!b) {
      p.push(`${path}.${k}: unknown key (expected ${Object.keys(bounds).join(', ')})`);
      continue;
    }
    if (typeof x !== 'number' || !Number.isFinite(x) || x < b[0] || x > b[1]) p.push(`${path}.${k}: expected a number ${b[0]}..${b[1]}, got ${JSON.stringify(x)}`);
    else out[k] = x;
  }
  return out as T;
}
