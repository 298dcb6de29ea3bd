/**
 * Search strategies over a discrete configuration space, independent of how a candidate is measured:
 * `grid` (every combination, for small spaces) and `hill-climb` (budget-bounded first-improvement ascent over
 * neighbouring values, the last improving direction tried first, restarting from the farthest unvisited point when stuck). The objective is
 * maximised; a candidate is evaluated at most once (memoised by its key).
 */

/** An integer, a switch, or one of an enum knob's names (e.g. a model variant). */
export type KnobValue = number | boolean | string;
/** One candidate: a value for every knob of the space. */
export type Assignment = Record<string, KnobValue>;

export interface SpaceKnob {
  name: string;
  /** The values searched, in order (neighbours are adjacent values). */
  values: KnobValue[];
}

export type Strategy = 'grid' | 'hill-climb';

export interface SearchBudget {
  /** Asked before every evaluation; false ends the search. */
  canEvaluate(evaluated: number): boolean;
}

export interface Evaluated<M> {
  assignment: Assignment;
  key: string;
  /** The maximised figure (SLO-compliant requests/s); null = the candidate could not be measured. */
  score: number | null;
  measurement: M;
}

export interface SearchResult<M> {
  strategy: Strategy;
  evaluated: Evaluated<M>[];
  /** Grid size of the space. */
  spaceSize: number;
  /** Why the search ended. */
  stop: 'exhausted' | 'budget' | 'converged';
}

export function assignmentKey(a: Assignment): string {
  return Object.keys(a)
    .sort()
    .map((k) => `${k}=${a[k]}`)
    .join(',');
}

export function spaceSize(knobs: readonly SpaceKnob[]): number {
  return knobs.reduce((n, k) => n * k.values.length, 1);
}

/** Every combination, the first knob varying slowest. */
export function gridOf(knobs: readonly SpaceKnob[]): Assignment[] {
  let out: Assignment[] = [{}];
  for (const k of knobs) out = out.flatMap((a) => k.values.map((v) => ({ ...a, [k.name]: v })));
  return out;
}

/** `auto`: the grid when the space has at most `gridLimit` candidates, else hill climbing. */
export function chooseStrategy(knobs: readonly SpaceKnob[], requested: Strategy | 'auto', gridLimit = 8): Strategy {
  if (requested !== 'auto') return requested;
  return spaceSize(knobs) <= gridLimit ? 'grid' : 'hill-climb';
}

function indexOf(k: SpaceKnob, v: KnobValue): number {
  const i = k.values.findIndex((x) => x === v);
  if (i < 0) throw new Error(`knob ${k.name}: value ${String(v)} is not one of ${k.values.join(', ')}`);
  return i;
}

/** Candidates one value step away on one knob. */
export function neighbours(knobs: readonly SpaceKnob[], a: Assignment): Assignment[] {
  const out: Assignment[] = [];
  for (const k of knobs) {
    const i = indexOf(k, a[k.name]);
    for (const j of [i - 1, i + 1]) if (j >= 0 && j < k.values.length) out.push({ ...a, [k.name]: k.values[j] });
  }
  return out;
}

/**
 * Run the search. `start` (the current default) is always evaluated first, so the gain is measured
 * against it in the same run. `evaluate` is called one candidate at a time.
 */
export async function search<M>(opts: {
  knobs: readonly SpaceKnob[];
  start: Assignment;
  strategy: Strategy;
  budget: SearchBudget;
  evaluate: (a: Assignment) => Promise<{ score: number | null; measurement: M }>;
}): Promise<SearchResult<M>> {
  const { knobs, budget } = opts;
  const seen = new Map<string, Evaluated<M>>();
  const evaluated: Evaluated<M>[] = [];
  let outOfBudget = false;
  const evalOne = async (a: Assignment): Promise<Evaluated<M> | null> => {
    const key = assignmentKey(a);
    const hit = seen.get(key);
    if (hit) return hit;
    if (!budget.canEvaluate(evaluated.length)) {
      outOfBudget = true;
      return null;
    }
    const r = await opts.evaluate(a);
    const e: Evaluated<M> = { assignment: a, key, score: r.score, measurement: r.measurement };
    seen.set(key, e);
    evaluated.push(e);
    return e;
  };
  const size = spaceSize(knobs);
  const better = (x: Evaluated<M> | null, y: Evaluated<M> | null) => (x?.score ?? -Infinity) > (y?.score ?? -Infinity);

  if (opts.strategy === 'grid') {
    await evalOne(opts.start);
    for (const a of gridOf(knobs)) {
      if (outOfBudget) break;
      await evalOne(a);
    }
    return { strategy: 'grid', evaluated, spaceSize: size, stop: evaluated.length >= size ? 'exhausted' : 'budget' };
  }

  let current = await evalOne(opts.start);
  let lastMove: string | null = null; // "knob:+1" of the last improving move: tried first (pattern search)
  while (current && !outOfBudget) {
    // First improvement: the neighbours, the last improving direction first; move to the first better one.
    const here: Evaluated<M> = current;
    const moves = neighbours(knobs, here.assignment).map((n) => {
      const k = knobs.find((x) => n[x.name] !== here.assignment[x.name])!;
      return { n, dir: `${k.name}:${indexOf(k, n[k.name]) > indexOf(k, here.assignment[k.name]) ? '+' : '-'}` };
    });
    moves.sort((x, y) => Number(y.dir === lastMove) - Number(x.dir === lastMove));
    let moved = false;
    for (const m of moves) {
      const e = await evalOne(m.n);
      if (outOfBudget) break;
      if (better(e, here)) {
        current = e;
        lastMove = m.dir;
        moved = true;
        break;
      }
    }
    if (outOfBudget) break;
    if (moved) continue;
    lastMove = null;
    // A local optimum: restart from the unvisited point farthest (in value steps) from everything seen.
    const unvisited = gridOf(knobs).filter((a) => !seen.has(assignmentKey(a)));
    if (!unvisited.length) return { strategy: 'hill-climb', evaluated, spaceSize: size, stop: 'exhausted' };
    const dist = (a: Assignment) => Math.min(...[...seen.values()].map((s) => knobs.reduce((d, k) => d + Math.abs(indexOf(k, a[k.name]) - indexOf(k, s.assignment[k.name])), 0)));
    const far = unvisited.reduce((x, y) => (dist(y) > dist(x) ? y : x));
    const restart = await evalOne(far);
    if (!restart) break;
    current = restart;
  }
  return { strategy: 'hill-climb', evaluated, spaceSize: size, stop: outOfBudget ? 'budget' : evaluated.length >= size ? 'exhausted' : 'converged' };
}
